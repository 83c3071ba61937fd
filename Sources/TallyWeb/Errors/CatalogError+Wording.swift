import MeteringStore

/// The `tally` commands' names that match nothing, worded for a terminal.
extension CatalogError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .planNotFound(let code): "no plan has code '\(code)'"
        case .featureNotFound(let key): "no feature has key '\(key)'"
        case .accountNotFound(let id): "no account has external id '\(id)'"
        case .apiKeyNotFound(let what): "no active API key matches '\(what)'"
        }
    }
}

extension SettingsProblem: ProblemWording {
    public var field: String { "late_window_days" }
    public var message: String { "The late-event window is 1 to 3650 days." }
}

extension APIKeyProblem: ProblemWording {
    public var field: String { "name" }

    public var message: String {
        switch self {
        case .name: "Give the key a name of 1 to 100 characters."
        case .nameTaken: "An active key already has this name."
        }
    }
}
