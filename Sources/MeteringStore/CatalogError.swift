import Metering

/// Why a setup operation (plans, features, prices, accounts, keys, grants) was refused.
/// Messages are fit for an operator's terminal.
public enum CatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A field's value is not acceptable; the payload names the field and says why.
    case invalid(field: String, message: String)
    /// Another row already uses this unique value (plan code, feature key, external id, key name…).
    case taken(String)
    /// No plan has this code.
    case planNotFound(String)
    /// No feature has this key.
    case featureNotFound(String)
    /// No account has this external id.
    case accountNotFound(String)
    /// No active API key has this name or prefix.
    case apiKeyNotFound(String)

    /// A sentence for the operator.
    public var description: String {
        switch self {
        case .invalid(let field, let message): "\(field): \(message)"
        case .taken(let what): "\(what) already exists"
        case .planNotFound(let code): "no plan has code '\(code)'"
        case .featureNotFound(let key): "no feature has key '\(key)'"
        case .accountNotFound(let id): "no account has external id '\(id)'"
        case .apiKeyNotFound(let what): "no active API key matches '\(what)'"
        }
    }
}

extension CatalogError {
    /// `invalid` from an amount error on `field`.
    static func amount(_ field: String, _ error: AmountError) -> CatalogError {
        .invalid(field: field, message: error.description)
    }
}
