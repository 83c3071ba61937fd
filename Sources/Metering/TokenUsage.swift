/// Why a usage object's token counts cannot be used.
public enum UsageShapeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A count is below zero; the payload is the field name as sent.
    case negative(field: String, value: Int64)
    /// OpenAI's shape says more cached tokens than prompt tokens, which it cannot (cached tokens
    /// are part of `prompt_tokens`).
    case cachedExceedsPrompt(cached: Int64, prompt: Int64)
    /// A part of a count is larger than the count it is part of (reasoning tokens beyond the
    /// output, audio tokens beyond the prompt…); the names are the fields as sent.
    case partExceedsWhole(part: String, whole: String)
    /// The token total does not fit 64 bits.
    case overflow

    /// A sentence for an API client.
    public var description: String {
        switch self {
        case .negative(let field, let value): "\(field) must not be negative (got \(value))"
        case .cachedExceedsPrompt(let cached, let prompt):
            "prompt_tokens_details.cached_tokens (\(cached)) cannot exceed prompt_tokens (\(prompt)): cached tokens are part of the prompt"
        case .partExceedsWhole(let part, let whole): "\(part) cannot exceed \(whole): they are part of it"
        case .overflow: "the token counts are too large"
        }
    }
}

/// The kinds of tokens providers bill at different prices. Each is a disjoint bucket: a token
/// is counted in exactly one kind.
public enum TokenKind: Int, CaseIterable, Sendable, Hashable {
    /// Uncached text input.
    case input
    /// Input read from the prompt cache.
    case cachedInput
    /// Input written to the prompt cache for 5 minutes (Anthropic's default cache).
    case cacheWrite5m
    /// Input written to the prompt cache for 1 hour.
    case cacheWrite1h
    /// Text output, reasoning not included.
    case output
    /// Reasoning ("thinking") output.
    case reasoning
    /// Audio input.
    case audioInput
    /// Audio output.
    case audioOutput
    /// Image input.
    case imageInput

    /// The event field and stored column that counts this kind, e.g. `cache_write_5m_tokens`.
    public var field: String {
        switch self {
        case .input: "input_tokens"
        case .cachedInput: "cached_input_tokens"
        case .cacheWrite5m: "cache_write_5m_tokens"
        case .cacheWrite1h: "cache_write_1h_tokens"
        case .output: "output_tokens"
        case .reasoning: "reasoning_tokens"
        case .audioInput: "audio_input_tokens"
        case .audioOutput: "audio_output_tokens"
        case .imageInput: "image_input_tokens"
        }
    }

    /// Whether the kind is part of the prompt (counts towards a context-length tier).
    public var isInput: Bool {
        switch self {
        case .input, .cachedInput, .cacheWrite5m, .cacheWrite1h, .audioInput, .imageInput: true
        case .output, .reasoning, .audioOutput: false
        }
    }
}

/// What one model call used, in Tally's shape: one count per `TokenKind`, disjoint (no kind
/// includes another), and the web searches it ran. Each kind is priced on its own.
public struct TokenUsage: Hashable, Sendable {
    /// No tokens.
    public static let zero = TokenUsage(unchecked: [Int64](repeating: 0, count: TokenKind.allCases.count), queries: 0)

    /// Counts by `TokenKind.rawValue`.
    private let counts: [Int64]
    /// Web searches (billed per query).
    public let webSearchQueries: Int64

    /// Counts in Tally's shape (the event's token fields, disjoint); throws for a negative count
    /// or a total beyond 64 bits.
    public init(
        input: Int64, cachedInput: Int64 = 0, cacheWrite5m: Int64 = 0, cacheWrite1h: Int64 = 0, output: Int64 = 0,
        reasoning: Int64 = 0, audioInput: Int64 = 0, audioOutput: Int64 = 0, imageInput: Int64 = 0, webSearchQueries: Int64 = 0
    ) throws(UsageShapeError) {
        try self.init(
            counts: [input, cachedInput, cacheWrite5m, cacheWrite1h, output, reasoning, audioInput, audioOutput, imageInput],
            webSearchQueries: webSearchQueries)
    }

    /// Counts by `TokenKind.rawValue` (all nine) and web searches.
    public init(counts: [Int64], webSearchQueries: Int64 = 0) throws(UsageShapeError) {
        precondition(counts.count == TokenKind.allCases.count, "one count per token kind")
        for kind in TokenKind.allCases where counts[kind.rawValue] < 0 {
            throw .negative(field: kind.field, value: counts[kind.rawValue])
        }
        guard webSearchQueries >= 0 else { throw .negative(field: "web_search_queries", value: webSearchQueries) }
        var total: Int64 = 0
        for count in counts {
            let (sum, overflow) = total.addingReportingOverflow(count)
            guard !overflow else { throw .overflow }
            total = sum
        }
        self.init(unchecked: counts, queries: webSearchQueries)
    }

    private init(unchecked counts: [Int64], queries: Int64) {
        self.counts = counts
        webSearchQueries = queries
    }

    /// The count of one kind.
    public subscript(kind: TokenKind) -> Int64 { counts[kind.rawValue] }

    /// Uncached text input tokens.
    public var input: Int64 { counts[TokenKind.input.rawValue] }
    /// Input tokens read from the prompt cache.
    public var cachedInput: Int64 { counts[TokenKind.cachedInput.rawValue] }
    /// Input tokens written to the 5-minute cache.
    public var cacheWrite5m: Int64 { counts[TokenKind.cacheWrite5m.rawValue] }
    /// Input tokens written to the 1-hour cache.
    public var cacheWrite1h: Int64 { counts[TokenKind.cacheWrite1h.rawValue] }
    /// Text output tokens (reasoning not included).
    public var output: Int64 { counts[TokenKind.output.rawValue] }
    /// Reasoning output tokens.
    public var reasoning: Int64 { counts[TokenKind.reasoning.rawValue] }
    /// Audio input tokens.
    public var audioInput: Int64 { counts[TokenKind.audioInput.rawValue] }
    /// Audio output tokens.
    public var audioOutput: Int64 { counts[TokenKind.audioOutput.rawValue] }
    /// Image input tokens.
    public var imageInput: Int64 { counts[TokenKind.imageInput.rawValue] }

    /// All tokens of the call, every kind (what "per 1k tokens" counts). Fits 64 bits (checked).
    public var total: Int64 { counts.reduce(0, +) }

    /// The prompt: every input kind (uncached, cached, cache writes, audio and image input).
    /// A context-length tier applies when this is above its threshold.
    public var promptTokens: Int64 {
        TokenKind.allCases.reduce(0) { $0 + ($1.isInput ? counts[$1.rawValue] : 0) }
    }

    /// Whether the kinds beyond the original three (input, cached input, output) and web
    /// searches are all zero.
    public var hasOnlyBasicKinds: Bool {
        webSearchQueries == 0 && TokenKind.allCases.allSatisfy { [.input, .cachedInput, .output].contains($0) || counts[$0.rawValue] == 0 }
    }
}
