/// An event's `usage` object in a provider's shape, told apart by its keys:
///
/// - `promptTokenCount` / `candidatesTokenCount` / … (camelCase, `…Count`): Gemini's `usageMetadata`;
/// - `inputTokens` / `outputTokens` / `cacheReadInputTokens` / `cacheWriteInputTokens`
///   (camelCase): Bedrock Converse;
/// - `prompt_tokens` / `completion_tokens` / `*_tokens_details` (Chat Completions, the Responses
///   API, and LiteLLM's `Usage`, which may add `cache_creation_input_tokens`,
///   `cache_read_input_tokens`, `cache_creation_token_details` and `server_tool_use`): OpenAI's
///   shape, cached tokens *inside* the prompt count;
/// - otherwise `input_tokens` / `output_tokens` / `cache_*` / `cache_creation` /
///   `server_tool_use`: Anthropic, cached tokens *outside* the input count.
///
/// A bare `{"input_tokens", "output_tokens"}` reads as Anthropic; with no cache keys both
/// providers mean the same thing by it. An object mixing the shapes, or with none of these keys,
/// fails to decode with a message naming the keys. Keys a shape does not price (`total_tokens`,
/// `totalTokenCount`, …) are ignored.
public enum ProviderUsage: Hashable, Sendable, Decodable {
    /// OpenAI's shape (also LiteLLM's `Usage`): cached tokens included in the prompt count.
    case openAI(OpenAIUsage)
    /// Anthropic's shape (cached tokens separate from `input_tokens`).
    case anthropic(AnthropicUsage)
    /// Gemini's `usageMetadata`.
    case gemini(GeminiUsage)
    /// Bedrock Converse's `usage`.
    case bedrock(BedrockUsage)

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    // Each shape is recognised by its marker keys (one of them must be there: the `anyOf` of its
    // schema in docs/openapi.json); the keys of every shape's family tell a mix apart.
    static let geminiMarkers: Set<String> = ["promptTokenCount", "candidatesTokenCount", "thoughtsTokenCount"]
    static let geminiKeys = geminiMarkers.union([
        "cachedContentTokenCount", "toolUsePromptTokenCount", "promptTokensDetails", "candidatesTokensDetails",
        "totalTokenCount",
    ])
    static let bedrockMarkers: Set<String> = ["inputTokens", "outputTokens", "cacheReadInputTokens", "cacheWriteInputTokens"]
    static let bedrockKeys = bedrockMarkers.union(["totalTokens"])
    static let chatMarkers: Set<String> = ["prompt_tokens", "completion_tokens", "prompt_tokens_details"]
    static let responsesMarkers: Set<String> = ["input_tokens_details", "output_tokens_details"]
    static let anthropicMarkers: Set<String> = [
        "input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens", "cache_creation",
    ]
    static let snakeKeys = chatMarkers.union(responsesMarkers).union(anthropicMarkers)
        .union(["completion_tokens_details", "server_tool_use", "cache_creation_token_details"])

    /// Decodes the object after looking at which keys it has.
    public init(from decoder: any Decoder) throws {
        let keys = Set(try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue))
        let has = { (names: Set<String>) in !keys.isDisjoint(with: names) }
        let chat = has(Self.chatMarkers), responses = has(Self.responsesMarkers)
        let anthropicOnly = has(["cache_creation"]), cache = has(["cache_read_input_tokens", "cache_creation_input_tokens"])
        let shared = has(["input_tokens", "output_tokens"])
        let families = [has(Self.geminiKeys), has(Self.bedrockKeys), has(Self.snakeKeys)].filter { $0 }.count
        let mixed = families > 1 || (chat && (shared || responses || anthropicOnly)) || (responses && (cache || anthropicOnly))
        if mixed {
            throw Self.corrupted(decoder, "usage mixes the keys of several providers' shapes (OpenAI, Anthropic, Gemini, Bedrock)")
        } else if has(Self.geminiMarkers) {
            self = .gemini(try GeminiUsage(from: decoder))
        } else if has(Self.bedrockMarkers) {
            self = .bedrock(try BedrockUsage(from: decoder))
        } else if chat || responses {
            self = .openAI(try OpenAIUsage(from: decoder))
        } else if has(Self.anthropicMarkers) {
            self = .anthropic(try AnthropicUsage(from: decoder))
        } else {
            throw Self.corrupted(
                decoder,
                "usage needs prompt_tokens/completion_tokens (OpenAI, LiteLLM), input_tokens/output_tokens (Anthropic), promptTokenCount (Gemini) or inputTokens (Bedrock)")
        }
    }

    private static func corrupted(_ decoder: any Decoder, _ message: String) -> DecodingError {
        DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: message))
    }
}

extension ProviderUsage {
    /// Every count as the provider named it, e.g. `("prompt_tokens", 1200)`.
    public var counts: [(name: String, value: Int64)] {
        switch self {
        case .openAI(let usage):
            [("prompt_tokens", usage.promptTokens), ("completion_tokens", usage.completionTokens), ("cached_tokens", usage.cachedTokens),
             ("audio_tokens", usage.audioInputTokens), ("image_tokens", usage.imageInputTokens),
             ("cache_creation_input_tokens", usage.cacheWriteTokens), ("ephemeral_1h_input_tokens", usage.cacheWrite1hTokens),
             ("reasoning_tokens", usage.reasoningTokens), ("completion_tokens_details.audio_tokens", usage.audioOutputTokens),
             ("web_search_requests", usage.webSearchRequests)]
        case .anthropic(let usage):
            [("input_tokens", usage.inputTokens), ("output_tokens", usage.outputTokens),
             ("cache_read_input_tokens", usage.cacheReadInputTokens), ("cache_creation_input_tokens", usage.cacheCreationInputTokens),
             ("ephemeral_1h_input_tokens", usage.cacheCreation1hInputTokens), ("web_search_requests", usage.webSearchRequests)]
        case .gemini(let usage):
            [("promptTokenCount", usage.promptTokenCount), ("candidatesTokenCount", usage.candidatesTokenCount),
             ("cachedContentTokenCount", usage.cachedContentTokenCount), ("thoughtsTokenCount", usage.thoughtsTokenCount),
             ("toolUsePromptTokenCount", usage.toolUsePromptTokenCount), ("promptTokensDetails AUDIO", usage.audioPromptTokens),
             ("promptTokensDetails IMAGE", usage.imagePromptTokens), ("candidatesTokensDetails AUDIO", usage.audioCandidatesTokens)]
        case .bedrock(let usage):
            [("inputTokens", usage.inputTokens), ("outputTokens", usage.outputTokens),
             ("cacheReadInputTokens", usage.cacheReadInputTokens), ("cacheWriteInputTokens", usage.cacheWriteInputTokens)]
        }
    }
}

extension TokenUsage {
    /// Normalises a provider's shape into disjoint kinds (docs/metering.md, "Usage shapes").
    public init(_ usage: ProviderUsage) throws(UsageShapeError) {
        for (name, value) in usage.counts where value < 0 { throw .negative(field: name, value: value) }
        switch usage {
        case .openAI(let openAI): try self.init(openAI: openAI)
        case .anthropic(let anthropic): try self.init(anthropic: anthropic)
        case .gemini(let gemini): try self.init(gemini: gemini)
        case .bedrock(let bedrock):
            try self.init(
                input: bedrock.inputTokens, cachedInput: bedrock.cacheReadInputTokens, cacheWrite5m: bedrock.cacheWriteInputTokens,
                output: bedrock.outputTokens)
        }
    }

    /// OpenAI's (and LiteLLM's) shape: the prompt holds cached, cache-write, audio and image
    /// tokens; the completion holds reasoning and audio tokens. Each is taken out of its whole.
    public init(openAI usage: OpenAIUsage) throws(UsageShapeError) {
        for (name, value) in ProviderUsage.openAI(usage).counts where value < 0 { throw .negative(field: name, value: value) }
        guard usage.cachedTokens <= usage.promptTokens else {
            throw .cachedExceedsPrompt(cached: usage.cachedTokens, prompt: usage.promptTokens)
        }
        let promptParts = [usage.cachedTokens, usage.cacheWriteTokens, usage.audioInputTokens, usage.imageInputTokens]
        guard let input = Self.remainder(usage.promptTokens, minus: promptParts) else {
            throw .partExceedsWhole(part: "cached, cache-write, audio and image tokens", whole: "prompt_tokens")
        }
        guard usage.cacheWrite1hTokens <= usage.cacheWriteTokens else {
            throw .partExceedsWhole(part: "ephemeral_1h_input_tokens", whole: "cache_creation_input_tokens")
        }
        guard let output = Self.remainder(usage.completionTokens, minus: [usage.reasoningTokens, usage.audioOutputTokens]) else {
            throw .partExceedsWhole(part: "reasoning and audio tokens", whole: "completion_tokens")
        }
        try self.init(
            input: input, cachedInput: usage.cachedTokens, cacheWrite5m: usage.cacheWriteTokens - usage.cacheWrite1hTokens,
            cacheWrite1h: usage.cacheWrite1hTokens, output: output, reasoning: usage.reasoningTokens,
            audioInput: usage.audioInputTokens, audioOutput: usage.audioOutputTokens, imageInput: usage.imageInputTokens,
            webSearchQueries: usage.webSearchRequests)
    }

    /// Anthropic's shape: cache reads and writes are outside `input_tokens`; writes are 5-minute
    /// unless `cache_creation.ephemeral_1h_input_tokens` says otherwise.
    public init(anthropic usage: AnthropicUsage) throws(UsageShapeError) {
        for (name, value) in ProviderUsage.anthropic(usage).counts where value < 0 { throw .negative(field: name, value: value) }
        guard usage.cacheCreation1hInputTokens <= usage.cacheCreationInputTokens else {
            throw .partExceedsWhole(part: "cache_creation.ephemeral_1h_input_tokens", whole: "cache_creation_input_tokens")
        }
        try self.init(
            input: usage.inputTokens, cachedInput: usage.cacheReadInputTokens,
            cacheWrite5m: usage.cacheCreationInputTokens - usage.cacheCreation1hInputTokens,
            cacheWrite1h: usage.cacheCreation1hInputTokens, output: usage.outputTokens, webSearchQueries: usage.webSearchRequests)
    }

    /// Gemini's shape: the prompt (plus tool-use prompt tokens) holds cached, audio and image
    /// tokens; thoughts are reasoning, outside the candidates.
    public init(gemini usage: GeminiUsage) throws(UsageShapeError) {
        let (prompt, overflow) = usage.promptTokenCount.addingReportingOverflow(usage.toolUsePromptTokenCount)
        guard !overflow else { throw .overflow }
        guard let input = Self.remainder(prompt, minus: [usage.cachedContentTokenCount, usage.audioPromptTokens, usage.imagePromptTokens])
        else { throw .partExceedsWhole(part: "cachedContentTokenCount and the AUDIO and IMAGE prompt tokens", whole: "promptTokenCount") }
        guard let output = Self.remainder(usage.candidatesTokenCount, minus: [usage.audioCandidatesTokens]) else {
            throw .partExceedsWhole(part: "the AUDIO candidates tokens", whole: "candidatesTokenCount")
        }
        try self.init(
            input: input, cachedInput: usage.cachedContentTokenCount, output: output, reasoning: usage.thoughtsTokenCount,
            audioInput: usage.audioPromptTokens, audioOutput: usage.audioCandidatesTokens, imageInput: usage.imagePromptTokens)
    }

    /// `whole − Σ parts`, or nil when the parts exceed the whole.
    private static func remainder(_ whole: Int64, minus parts: [Int64]) -> Int64? {
        var rest = whole
        for part in parts {
            guard part <= rest else { return nil }
            rest -= part
        }
        return rest
    }
}
