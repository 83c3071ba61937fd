import Hummingbird
import TallyDatabase

/// A domain's reason for refusing a change, worded for people: the form field it belongs to and
/// a sentence. Each domain's reasons are worded in one file of this folder, and nowhere else, so a
/// form, an API answer and the `tally` command say the same thing.
public protocol ProblemWording: Hashable, Sendable {
    /// The form field (and API field) the problem belongs to.
    var field: String { get }
    /// A sentence that says what to do.
    var message: String { get }
    /// The status of a page or answer that refuses for this reason; 422 unless it says otherwise
    /// (a request already answered is a 409).
    var status: HTTPResponse.Status { get }
}

extension ProblemWording {
    public var status: HTTPResponse.Status { .unprocessableContent }
}

extension Refused where Problem: ProblemWording {
    /// Messages by field; the first problem of a field wins.
    public var fieldMessages: [String: String] {
        var messages: [String: String] = [:]
        for problem in problems where messages[problem.field] == nil { messages[problem.field] = problem.message }
        return messages
    }

    /// One line for a terminal: every message, in the order found.
    public var sentence: String {
        problems.map(\.message).joined(separator: " ")
    }
}

/// A refusal a handler did not turn into a form answers 422 with its first message (the error
/// middleware renders it); forms catch it and show every message under its field.
extension Refused: ResponseGenerator, HTTPResponseError where Problem: ProblemWording {
    public var status: HTTPResponse.Status { problems[0].status }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try AppError(status, problems[0].message).response(from: request, context: context)
    }
}

/// A missing object, or one the caller may not see: the same 404 page either way.
extension NotFound: ResponseGenerator, HTTPResponseError {
    public var status: HTTPResponse.Status { .notFound }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try AppError.notFound.response(from: request, context: context)
    }
}

extension Dictionary where Key == String, Value == String {
    /// Adds `refusal`'s messages to the messages already collected; an earlier message of a
    /// field wins.
    mutating func merge<Problem: ProblemWording>(_ refusal: Refused<Problem>) {
        merge(refusal.fieldMessages) { old, _ in old }
    }

    /// Adds `problems`' messages, an earlier message of a field winning.
    mutating func merge<Problem: ProblemWording>(_ problems: [Problem]) {
        for problem in problems where self[problem.field] == nil { self[problem.field] = problem.message }
    }
}

/// A refusal prints as its messages, e.g. in a `tally` command's one-line error.
extension Refused: CustomStringConvertible where Problem: ProblemWording {
    public var description: String { sentence }
}

extension NotFound: CustomStringConvertible {
    public var description: String { "not found" }
}
