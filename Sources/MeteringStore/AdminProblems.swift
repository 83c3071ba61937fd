import Metering

/// Why an account change was refused (`Refused<AccountProblem>`).
public enum AccountProblem: Hashable, Sendable {
    /// The name is empty, blank or longer than 200 characters.
    case name
    /// The external id is empty, longer than 200 characters or holds spaces.
    case externalID
    /// Another account has this external id.
    case externalIDTaken
    /// Not an IANA time zone.
    case timeZone(String)
    /// The anchor day is not 1…31.
    case anchorDay
    /// No plan has this id.
    case unknownPlan
    /// The plan is archived and cannot be chosen.
    case planArchived
    /// The account is on this plan already.
    case alreadyOnPlan
    /// The account has this status already.
    case alreadyInStatus(AccountStatus)
}

/// Why a grant of credits was refused (`Refused<GrantProblem>`).
public enum GrantProblem: Hashable, Sendable {
    /// A top-up grants more than 0 credits.
    case topUpNotPositive
    /// An adjustment of 0 changes nothing.
    case zeroAmount
    /// The expiry is not in the future.
    case expiryPast
    /// The note is longer than 500 characters.
    case noteTooLong
}

/// Why a plan change was refused (`Refused<PlanProblem>`).
public enum PlanProblem: Hashable, Sendable {
    /// The code is not 1 to 64 of `a-z 0-9 _ . -`, starting with a letter or digit.
    case code
    /// The name is empty, blank or longer than 200 characters.
    case name
    /// The monthly fee is negative.
    case feeNegative
    /// The included credits are negative.
    case includedNegative
    /// The overage price per credit is negative.
    case overagePriceNegative
    /// The overage price per credit is past `MeteringBounds.maxOveragePricePerCredit`.
    case overagePriceTooHigh
    /// The grace is past `MeteringBounds.maxGraceBasisPoints`.
    case graceTooHigh
    /// Another plan has this code.
    case codeTaken
    /// The plan is archived already (`true`) or not archived (`false`).
    case archivedAlready(Bool)
}

/// Why a feature change was refused (`Refused<FeatureProblem>`).
public enum FeatureProblem: Hashable, Sendable {
    /// The key is not 1 to 64 of `a-z 0-9 _ . -`, starting with a letter or digit.
    case key
    /// The name is empty, blank or longer than 200 characters.
    case name
    /// Another feature has this key.
    case keyTaken
}

/// Why a change to the operator-wide settings was refused (`Refused<SettingsProblem>`).
public enum SettingsProblem: Hashable, Sendable {
    /// The late-event window is not 1…3650 days.
    case lateWindowDays
}

/// Why an API key could not be created (`Refused<APIKeyProblem>`).
public enum APIKeyProblem: Hashable, Sendable {
    /// The name is empty or longer than 100 characters.
    case name
    /// An active key already has this name.
    case nameTaken
}
