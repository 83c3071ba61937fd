/// Why a usage object's token counts cannot be used.
public enum UsageShapeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A count is below zero; the payload is the field name as sent.
    case negative(field: String, value: Int64)
    /// OpenAI's shape says more cached tokens than prompt tokens, which it cannot (cached tokens
    /// are part of `prompt_tokens`).
    case cachedExceedsPrompt(cached: Int64, prompt: Int64)
    /// The token total does not fit 64 bits.
    case overflow

    /// A sentence for an API client.
    public var description: String {
        switch self {
        case .negative(let field, let value): "\(field) must not be negative (got \(value))"
        case .cachedExceedsPrompt(let cached, let prompt):
            "prompt_tokens_details.cached_tokens (\(cached)) cannot exceed prompt_tokens (\(prompt)): cached tokens are part of the prompt"
        case .overflow: "the token counts are too large"
        }
    }
}

/// Token counts of one model call in Tally's shape: three disjoint buckets, each priced on its own.
public struct TokenUsage: Hashable, Sendable {
    /// No tokens.
    public static let zero = TokenUsage(uncheckedInput: 0, cachedInput: 0, output: 0)

    /// Input tokens not read from the prompt cache (priced at the input price).
    public let input: Int64
    /// Input tokens read from the prompt cache (priced at the cached-input price).
    public let cachedInput: Int64
    /// Output tokens, reasoning tokens included (priced at the output price).
    public let output: Int64

    /// Counts in Tally's shape (the event's `input_tokens`, `cached_input_tokens`,
    /// `output_tokens`: disjoint, like Anthropic's); throws for a negative count.
    public init(input: Int64, cachedInput: Int64, output: Int64) throws(UsageShapeError) {
        for (field, value) in [("input_tokens", input), ("cached_input_tokens", cachedInput), ("output_tokens", output)]
        where value < 0 { throw .negative(field: field, value: value) }
        guard !Self.overflows(input, cachedInput, output) else { throw .overflow }
        self.init(uncheckedInput: input, cachedInput: cachedInput, output: output)
    }

    private init(uncheckedInput input: Int64, cachedInput: Int64, output: Int64) {
        self.input = input
        self.cachedInput = cachedInput
        self.output = output
    }

    /// All tokens of the call: input + cached input + output (what "per 1k tokens" counts).
    public var total: Int64 { input + cachedInput + output }

    private static func overflows(_ a: Int64, _ b: Int64, _ c: Int64) -> Bool {
        Int64(exactly: Int128(a) + Int128(b) + Int128(c)) == nil
    }
}

/// OpenAI's `usage` object. Chat Completions name the counts `prompt_tokens`,
/// `completion_tokens` and `prompt_tokens_details.cached_tokens`; the Responses API names them
/// `input_tokens`, `output_tokens` and `input_tokens_details.cached_tokens`. In both, the input
/// count *includes* the cached tokens, and the output count includes reasoning tokens.
public struct OpenAIUsage: Hashable, Sendable, Decodable {
    /// `prompt_tokens` (or `input_tokens`): all input tokens, cached ones included.
    public var promptTokens: Int64
    /// `completion_tokens` (or `output_tokens`): all output tokens, reasoning included.
    public var completionTokens: Int64
    /// `prompt_tokens_details.cached_tokens` (or `input_tokens_details.cached_tokens`): the part of
    /// the prompt read from cache (0 when absent).
    public var cachedTokens: Int64

    /// A usage object with the given counts.
    public init(promptTokens: Int64, completionTokens: Int64, cachedTokens: Int64 = 0) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cachedTokens = cachedTokens
    }

    private enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens", completionTokens = "completion_tokens"
        case promptDetails = "prompt_tokens_details"
        case inputTokens = "input_tokens", outputTokens = "output_tokens", inputDetails = "input_tokens_details"
    }

    private enum DetailKeys: String, CodingKey { case cachedTokens = "cached_tokens" }

    /// Decodes either naming; missing counts are 0.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let count = { (key: CodingKeys) throws -> Int64? in try container.decodeIfPresent(Int64.self, forKey: key) }
        promptTokens = try count(.promptTokens) ?? count(.inputTokens) ?? 0
        completionTokens = try count(.completionTokens) ?? count(.outputTokens) ?? 0
        let detailsKey: CodingKeys = container.contains(.promptDetails) ? .promptDetails : .inputDetails
        // Absent or null: no cached tokens; anything but an object is refused, not ignored.
        let details = try !container.contains(detailsKey) || container.decodeNil(forKey: detailsKey)
            ? nil : container.nestedContainer(keyedBy: DetailKeys.self, forKey: detailsKey)
        cachedTokens = try details?.decodeIfPresent(Int64.self, forKey: .cachedTokens) ?? 0
    }
}

/// Anthropic's `usage` object (Messages API): `input_tokens` *excludes* cache reads
/// (`cache_read_input_tokens`) and cache writes (`cache_creation_input_tokens`).
public struct AnthropicUsage: Hashable, Sendable, Decodable {
    /// `input_tokens`: uncached input only.
    public var inputTokens: Int64
    /// `output_tokens`.
    public var outputTokens: Int64
    /// `cache_read_input_tokens` (0 when absent).
    public var cacheReadInputTokens: Int64
    /// `cache_creation_input_tokens` (0 when absent): tokens written to the cache.
    public var cacheCreationInputTokens: Int64

    /// A usage object with the given counts.
    public init(inputTokens: Int64, outputTokens: Int64, cacheReadInputTokens: Int64 = 0, cacheCreationInputTokens: Int64 = 0) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheReadInputTokens = cacheReadInputTokens
        self.cacheCreationInputTokens = cacheCreationInputTokens
    }

    private enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens", outputTokens = "output_tokens"
        case cacheReadInputTokens = "cache_read_input_tokens", cacheCreationInputTokens = "cache_creation_input_tokens"
    }

    /// Decodes the JSON shape; missing counts are 0.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        inputTokens = try container.decodeIfPresent(Int64.self, forKey: .inputTokens) ?? 0
        outputTokens = try container.decodeIfPresent(Int64.self, forKey: .outputTokens) ?? 0
        cacheReadInputTokens = try container.decodeIfPresent(Int64.self, forKey: .cacheReadInputTokens) ?? 0
        cacheCreationInputTokens = try container.decodeIfPresent(Int64.self, forKey: .cacheCreationInputTokens) ?? 0
    }
}

extension TokenUsage {
    /// OpenAI's shape: input = `prompt_tokens` − `cached_tokens`, cached = `cached_tokens`,
    /// output = `completion_tokens`.
    public init(openAI usage: OpenAIUsage) throws(UsageShapeError) {
        for (field, value) in [("prompt_tokens", usage.promptTokens), ("completion_tokens", usage.completionTokens),
                               ("prompt_tokens_details.cached_tokens", usage.cachedTokens)]
        where value < 0 { throw .negative(field: field, value: value) }
        guard usage.cachedTokens <= usage.promptTokens else {
            throw .cachedExceedsPrompt(cached: usage.cachedTokens, prompt: usage.promptTokens)
        }
        try self.init(input: usage.promptTokens - usage.cachedTokens, cachedInput: usage.cachedTokens, output: usage.completionTokens)
    }

    /// Anthropic's shape: input = `input_tokens` + `cache_creation_input_tokens` (cache writes
    /// are priced as input: an approximation, see docs/metering.md), cached =
    /// `cache_read_input_tokens`, output = `output_tokens`.
    public init(anthropic usage: AnthropicUsage) throws(UsageShapeError) {
        for (field, value) in [("input_tokens", usage.inputTokens), ("output_tokens", usage.outputTokens),
                               ("cache_read_input_tokens", usage.cacheReadInputTokens),
                               ("cache_creation_input_tokens", usage.cacheCreationInputTokens)]
        where value < 0 { throw .negative(field: field, value: value) }
        let (input, overflow) = usage.inputTokens.addingReportingOverflow(usage.cacheCreationInputTokens)
        guard !overflow else { throw .overflow }
        try self.init(input: input, cachedInput: usage.cacheReadInputTokens, output: usage.outputTokens)
    }
}
