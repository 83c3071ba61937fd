/// A change refused for `problems`: reasons with their data, never sentences. The web layer and
/// the `tally` command word each reason (one place per domain, in TallyWeb), so a form, an API
/// answer and a terminal say the same thing, and no store holds user-facing text.
public struct Refused<Problem: Hashable & Sendable>: Error, Sendable, Equatable {
    /// What is wrong, in the order found; never empty.
    public let problems: [Problem]

    /// A refusal for `problems`.
    public init(_ problems: [Problem]) {
        precondition(!problems.isEmpty, "a refusal names at least one problem")
        self.problems = problems
    }

    /// A refusal for one problem.
    public init(_ problem: Problem) {
        problems = [problem]
    }
}

extension Refused {
    /// Throws a refusal when `problems` holds any.
    public static func check(_ problems: [Problem]) throws(Refused) {
        if !problems.isEmpty { throw Refused(problems) }
    }
}

/// The object a change or a read names does not exist, or is not the caller's to see: the web
/// layer answers 404, the same page either way.
public struct NotFound: Error, Sendable, Equatable {
    /// The error.
    public init() {}
}
