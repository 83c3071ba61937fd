import Hummingbird
import Metering
import MeteringStore

extension TopUpProblem: ProblemWording {
    public var field: String {
        switch self {
        case .creditsNotPositive, .creditsAboveMaximum: "credits"
        case .noteTooLong: "note"
        case .tooManyPending, .notPending: "form"
        case .negativePrice: "price"
        case .expiryNotFuture: "expires"
        case .reasonLength: "reason"
        }
    }

    /// A request that was answered already (or never existed) is a conflict, not a typing error.
    public var status: HTTPResponse.Status {
        self == .notPending ? .conflict : .unprocessableContent
    }

    public var message: String {
        switch self {
        case .creditsNotPositive: "Ask for more than 0 credits."
        case .creditsAboveMaximum: "Ask for at most \(TopUpRequests.maximumCredits.formatted) credits at a time."
        case .noteTooLong: "Keep the note to \(TopUpRequests.maximumNoteLength) characters."
        case .tooManyPending: "This account already has \(TopUpRequests.maximumPending) requests waiting for an answer."
        case .notPending: "This request was already answered or does not exist."
        case .negativePrice: "The price must not be negative."
        case .expiryNotFuture: "The expiry must be in the future."
        case .reasonLength: "Give the customer a reason of 1 to \(TopUpRequests.maximumNoteLength) characters."
        }
    }
}
