/// Something the `tally` commands name by its code, key or id does not exist. Reasons with their
/// data; the command words them (TallyWeb's wording files).
public enum CatalogError: Error, Sendable, Equatable {
    /// No plan (not archived) has this code.
    case planNotFound(String)
    /// No feature has this key.
    case featureNotFound(String)
    /// No account has this external id.
    case accountNotFound(String)
    /// No active API key has this name or prefix.
    case apiKeyNotFound(String)
}
