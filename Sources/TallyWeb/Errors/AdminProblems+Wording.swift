import Metering
import MeteringStore

extension AccountProblem: ProblemWording {
    public var field: String {
        switch self {
        case .name: "name"
        case .externalID, .externalIDTaken: "external_id"
        case .timeZone: "time_zone"
        case .anchorDay: "anchor_day"
        case .unknownPlan, .planArchived, .alreadyOnPlan: "plan"
        case .alreadyInStatus: "status"
        }
    }

    public var message: String {
        switch self {
        case .name: "Enter a name of 1 to 200 characters."
        case .externalID: "Enter an external id of 1 to 200 characters, without spaces."
        case .externalIDTaken: "Another account already has this external id."
        case .timeZone(let zone): "'\(zone)' is not an IANA time zone (like Europe/Paris or UTC)."
        case .anchorDay: "Enter a day of the month from 1 to 31."
        case .unknownPlan: "Choose a plan from the list."
        case .planArchived: "This plan is archived; choose another or unarchive it first."
        case .alreadyOnPlan: "The account is already on this plan."
        case .alreadyInStatus(let status): "The account is already \(status.rawValue)."
        }
    }
}

extension GrantProblem: ProblemWording {
    public var field: String {
        switch self {
        case .topUpNotPositive, .zeroAmount: "amount"
        case .expiryPast: "expires"
        case .noteTooLong: "note"
        }
    }

    public var message: String {
        switch self {
        case .topUpNotPositive: "A top-up must be more than 0 credits."
        case .zeroAmount: "Enter an amount other than 0."
        case .expiryPast: "The expiry must be in the future."
        case .noteTooLong: "Use at most 500 characters."
        }
    }
}

extension PlanProblem: ProblemWording {
    public var field: String {
        switch self {
        case .code, .codeTaken: "code"
        case .name: "name"
        case .feeNegative: "monthly_fee"
        case .includedNegative: "included_credits"
        case .overagePriceNegative, .overagePriceTooHigh: "overage_price"
        case .graceTooHigh: "grace"
        case .archivedAlready: "archived"
        }
    }

    public var message: String {
        switch self {
        case .code: "Use 1 to 64 lowercase letters, digits, '_', '.' or '-', starting with a letter or digit."
        case .name: "Enter a name of 1 to 200 characters."
        case .feeNegative: "The fee must not be negative."
        case .includedNegative: "Included credits must not be negative."
        case .overagePriceNegative: "The price must not be negative."
        case .overagePriceTooHigh:
            "The price per credit can be at most \(MeteringBounds.maxOveragePricePerCredit.formatted(fractionDigits: 0))."
        case .graceTooHigh: "The grace can be at most \(try! BasisPoints(MeteringBounds.maxGraceBasisPoints))."
        case .codeTaken: "Another plan already has this code."
        case .archivedAlready(let archived): archived ? "The plan is already archived." : "The plan is not archived."
        }
    }
}

extension FeatureProblem: ProblemWording {
    public var field: String {
        switch self {
        case .key, .keyTaken: "key"
        case .name: "name"
        }
    }

    public var message: String {
        switch self {
        case .key: "Use 1 to 64 lowercase letters, digits, '_', '.' or '-', starting with a letter or digit."
        case .name: "Enter a name of 1 to 200 characters."
        case .keyTaken: "A feature with this key is already registered."
        }
    }
}
