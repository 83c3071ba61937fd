/// Which model ids a price applies to: one exact id, or a pattern in which `*` stands for any
/// run of characters (including none). Matching is case-sensitive and anchored at both ends:
/// `gpt-4o*` matches `gpt-4o` and `gpt-4o-mini`, not `openai/gpt-4o`.
public enum ModelMatcher: Hashable, Sendable, CustomStringConvertible {
    /// Exactly this model id.
    case exact(String)
    /// A pattern with at least one `*`.
    case pattern(String)

    /// `.pattern` when `text` contains `*`, `.exact` otherwise.
    public init(_ text: String) {
        self = text.contains("*") ? .pattern(text) : .exact(text)
    }

    /// The text as an admin typed it.
    public var description: String {
        switch self {
        case .exact(let id), .pattern(let id): id
        }
    }

    /// Characters that are not `*`: the more, the more specific the pattern.
    public var literalLength: Int {
        description.unicodeScalars.count { $0 != "*" }
    }

    /// Number of `*` in the text (0 for an exact id).
    public var wildcardCount: Int {
        description.unicodeScalars.count { $0 == "*" }
    }

    /// Whether `model` is priced by this matcher.
    public func matches(_ model: String) -> Bool {
        switch self {
        case .exact(let id): id == model
        case .pattern(let pattern): Self.glob(Array(pattern.unicodeScalars), Array(model.unicodeScalars))
        }
    }

    /// Linear-time `*` matching with one backtrack point (the last `*` seen).
    private static func glob(_ pattern: [Unicode.Scalar], _ text: [Unicode.Scalar]) -> Bool {
        var p = 0, t = 0
        var star: Int?, resume = 0
        while t < text.count {
            if p < pattern.count, pattern[p] != "*", pattern[p] == text[t] {
                p += 1; t += 1
            } else if p < pattern.count, pattern[p] == "*" {
                star = p; resume = t; p += 1
            } else if let starIndex = star {
                p = starIndex + 1; resume += 1; t = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
