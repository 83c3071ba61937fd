/// OpenAI's `usage` object. Chat Completions name the counts `prompt_tokens`,
/// `completion_tokens`, `prompt_tokens_details` and `completion_tokens_details`; the Responses
/// API names them `input_tokens`, `output_tokens`, `input_tokens_details` and
/// `output_tokens_details`. In both, the prompt count *includes* cached, audio and image tokens,
/// and the completion count includes reasoning and audio tokens.
///
/// LiteLLM's `Usage` object is this shape too; for Anthropic calls it adds
/// `cache_creation_input_tokens` (included in `prompt_tokens`) and `cache_read_input_tokens`
/// (the same tokens as `cached_tokens`).
public struct OpenAIUsage: Hashable, Sendable, Decodable {
    /// `prompt_tokens` (or `input_tokens`): all input tokens, cached ones included.
    public var promptTokens: Int64
    /// `completion_tokens` (or `output_tokens`): all output tokens, reasoning included.
    public var completionTokens: Int64
    /// `…_details.cached_tokens` (or LiteLLM's `cache_read_input_tokens`): read from cache.
    public var cachedTokens: Int64
    /// `…_details.audio_tokens` of the prompt.
    public var audioInputTokens: Int64
    /// `…_details.image_tokens` of the prompt.
    public var imageInputTokens: Int64
    /// LiteLLM's `cache_creation_input_tokens`: written to the cache, part of the prompt.
    public var cacheWriteTokens: Int64
    /// The part of `cacheWriteTokens` written for 1 hour (LiteLLM's
    /// `cache_creation_token_details.ephemeral_1h_input_tokens`).
    public var cacheWrite1hTokens: Int64
    /// `completion_tokens_details.reasoning_tokens` (or `output_tokens_details.…`).
    public var reasoningTokens: Int64
    /// `completion_tokens_details.audio_tokens`.
    public var audioOutputTokens: Int64
    /// Web searches (`server_tool_use.web_search_requests`, as LiteLLM reports Anthropic's).
    public var webSearchRequests: Int64

    /// A usage object with the given counts.
    public init(
        promptTokens: Int64, completionTokens: Int64, cachedTokens: Int64 = 0, audioInputTokens: Int64 = 0,
        imageInputTokens: Int64 = 0, cacheWriteTokens: Int64 = 0, cacheWrite1hTokens: Int64 = 0, reasoningTokens: Int64 = 0,
        audioOutputTokens: Int64 = 0, webSearchRequests: Int64 = 0
    ) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cachedTokens = cachedTokens
        self.audioInputTokens = audioInputTokens
        self.imageInputTokens = imageInputTokens
        self.cacheWriteTokens = cacheWriteTokens
        self.cacheWrite1hTokens = cacheWrite1hTokens
        self.reasoningTokens = reasoningTokens
        self.audioOutputTokens = audioOutputTokens
        self.webSearchRequests = webSearchRequests
    }

    private enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens", completionTokens = "completion_tokens"
        case promptDetails = "prompt_tokens_details", completionDetails = "completion_tokens_details"
        case inputTokens = "input_tokens", outputTokens = "output_tokens"
        case inputDetails = "input_tokens_details", outputDetails = "output_tokens_details"
        case cacheCreation = "cache_creation_input_tokens", cacheRead = "cache_read_input_tokens"
        case cacheCreationDetails = "cache_creation_token_details", serverToolUse = "server_tool_use"
    }

    private enum DetailKeys: String, CodingKey {
        case cachedTokens = "cached_tokens", audioTokens = "audio_tokens", imageTokens = "image_tokens"
        case reasoningTokens = "reasoning_tokens"
        case ephemeral5m = "ephemeral_5m_input_tokens", ephemeral1h = "ephemeral_1h_input_tokens"
        case webSearchRequests = "web_search_requests"
    }

    /// Decodes either naming; missing counts are 0.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let count = { (key: CodingKeys) throws -> Int64? in try container.decodeIfPresent(Int64.self, forKey: key) }
        promptTokens = try count(.promptTokens) ?? count(.inputTokens) ?? 0
        completionTokens = try count(.completionTokens) ?? count(.outputTokens) ?? 0
        let prompt = try container.details(DetailKeys.self, container.contains(.promptDetails) ? .promptDetails : .inputDetails)
        let completion = try container.details(DetailKeys.self, container.contains(.completionDetails) ? .completionDetails : .outputDetails)
        let cacheRead = try count(.cacheRead)
        cachedTokens = try prompt?.decodeIfPresent(Int64.self, forKey: .cachedTokens) ?? cacheRead ?? 0
        audioInputTokens = try prompt?.decodeIfPresent(Int64.self, forKey: .audioTokens) ?? 0
        imageInputTokens = try prompt?.decodeIfPresent(Int64.self, forKey: .imageTokens) ?? 0
        cacheWriteTokens = try count(.cacheCreation) ?? 0
        cacheWrite1hTokens = try container.details(DetailKeys.self, .cacheCreationDetails)?.decodeIfPresent(Int64.self, forKey: .ephemeral1h) ?? 0
        reasoningTokens = try completion?.decodeIfPresent(Int64.self, forKey: .reasoningTokens) ?? 0
        audioOutputTokens = try completion?.decodeIfPresent(Int64.self, forKey: .audioTokens) ?? 0
        webSearchRequests = try container.details(DetailKeys.self, .serverToolUse)?.decodeIfPresent(Int64.self, forKey: .webSearchRequests) ?? 0
    }
}

/// Anthropic's `usage` object (Messages API): `input_tokens` *excludes* cache reads
/// (`cache_read_input_tokens`) and cache writes (`cache_creation_input_tokens`, broken down by
/// `cache_creation.ephemeral_5m_input_tokens` / `ephemeral_1h_input_tokens`).
public struct AnthropicUsage: Hashable, Sendable, Decodable {
    /// `input_tokens`: uncached input only.
    public var inputTokens: Int64
    /// `output_tokens` (thinking included: Anthropic does not count it apart).
    public var outputTokens: Int64
    /// `cache_read_input_tokens` (0 when absent).
    public var cacheReadInputTokens: Int64
    /// `cache_creation_input_tokens` (0 when absent): tokens written to the cache.
    public var cacheCreationInputTokens: Int64
    /// `cache_creation.ephemeral_1h_input_tokens`: the part written for 1 hour (the rest is 5 min).
    public var cacheCreation1hInputTokens: Int64
    /// `server_tool_use.web_search_requests`.
    public var webSearchRequests: Int64

    /// A usage object with the given counts.
    public init(
        inputTokens: Int64, outputTokens: Int64, cacheReadInputTokens: Int64 = 0, cacheCreationInputTokens: Int64 = 0,
        cacheCreation1hInputTokens: Int64 = 0, webSearchRequests: Int64 = 0
    ) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheReadInputTokens = cacheReadInputTokens
        self.cacheCreationInputTokens = cacheCreationInputTokens
        self.cacheCreation1hInputTokens = cacheCreation1hInputTokens
        self.webSearchRequests = webSearchRequests
    }

    private enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens", outputTokens = "output_tokens"
        case cacheReadInputTokens = "cache_read_input_tokens", cacheCreationInputTokens = "cache_creation_input_tokens"
        case cacheCreation = "cache_creation", serverToolUse = "server_tool_use"
    }

    private enum DetailKeys: String, CodingKey {
        case ephemeral5m = "ephemeral_5m_input_tokens", ephemeral1h = "ephemeral_1h_input_tokens"
        case webSearchRequests = "web_search_requests"
    }

    /// Decodes the JSON shape; missing counts are 0. With only the `cache_creation` breakdown
    /// (no total), the total is the sum of its parts.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        inputTokens = try container.decodeIfPresent(Int64.self, forKey: .inputTokens) ?? 0
        outputTokens = try container.decodeIfPresent(Int64.self, forKey: .outputTokens) ?? 0
        cacheReadInputTokens = try container.decodeIfPresent(Int64.self, forKey: .cacheReadInputTokens) ?? 0
        let breakdown = try container.details(DetailKeys.self, .cacheCreation)
        let fiveMinutes = try breakdown?.decodeIfPresent(Int64.self, forKey: .ephemeral5m) ?? 0
        cacheCreation1hInputTokens = try breakdown?.decodeIfPresent(Int64.self, forKey: .ephemeral1h) ?? 0
        cacheCreationInputTokens = try container.decodeIfPresent(Int64.self, forKey: .cacheCreationInputTokens)
            ?? fiveMinutes &+ cacheCreation1hInputTokens
        webSearchRequests = try container.details(DetailKeys.self, .serverToolUse)?.decodeIfPresent(Int64.self, forKey: .webSearchRequests) ?? 0
    }
}

/// Gemini's `usageMetadata`: `promptTokenCount` *includes* `cachedContentTokenCount`;
/// `candidatesTokenCount` excludes `thoughtsTokenCount` (reasoning); `promptTokensDetails` lists
/// the prompt by modality (`TEXT`, `AUDIO`, `IMAGE`, `VIDEO`, `DOCUMENT`).
public struct GeminiUsage: Hashable, Sendable, Decodable {
    /// `promptTokenCount`.
    public var promptTokenCount: Int64
    /// `candidatesTokenCount`.
    public var candidatesTokenCount: Int64
    /// `cachedContentTokenCount`.
    public var cachedContentTokenCount: Int64
    /// `thoughtsTokenCount`.
    public var thoughtsTokenCount: Int64
    /// `toolUsePromptTokenCount`: tool results fed back, billed as input.
    public var toolUsePromptTokenCount: Int64
    /// The prompt's `AUDIO` tokens.
    public var audioPromptTokens: Int64
    /// The prompt's `IMAGE` tokens.
    public var imagePromptTokens: Int64
    /// The candidates' `AUDIO` tokens.
    public var audioCandidatesTokens: Int64

    private enum CodingKeys: String, CodingKey {
        case promptTokenCount, candidatesTokenCount, cachedContentTokenCount, thoughtsTokenCount, toolUsePromptTokenCount
        case promptTokensDetails, candidatesTokensDetails
    }

    private struct ModalityCount: Decodable {
        let modality: String?
        let tokenCount: Int64?
    }

    /// Decodes the JSON shape; missing counts are 0.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let count = { (key: CodingKeys) throws -> Int64 in try container.decodeIfPresent(Int64.self, forKey: key) ?? 0 }
        promptTokenCount = try count(.promptTokenCount)
        candidatesTokenCount = try count(.candidatesTokenCount)
        cachedContentTokenCount = try count(.cachedContentTokenCount)
        thoughtsTokenCount = try count(.thoughtsTokenCount)
        toolUsePromptTokenCount = try count(.toolUsePromptTokenCount)
        let prompt = try container.decodeIfPresent([ModalityCount].self, forKey: .promptTokensDetails) ?? []
        let candidates = try container.decodeIfPresent([ModalityCount].self, forKey: .candidatesTokensDetails) ?? []
        let sum = { (list: [ModalityCount], modality: String) in
            list.filter { $0.modality == modality }.reduce(Int64(0)) { $0 &+ ($1.tokenCount ?? 0) }
        }
        audioPromptTokens = sum(prompt, "AUDIO")
        imagePromptTokens = sum(prompt, "IMAGE")
        audioCandidatesTokens = sum(candidates, "AUDIO")
    }
}

/// Bedrock Converse's `usage`: `inputTokens` *excludes* `cacheReadInputTokens` and
/// `cacheWriteInputTokens` (as Anthropic's); cache writes are Bedrock's 5-minute cache.
public struct BedrockUsage: Hashable, Sendable, Decodable {
    /// `inputTokens`.
    public var inputTokens: Int64
    /// `outputTokens`.
    public var outputTokens: Int64
    /// `cacheReadInputTokens`.
    public var cacheReadInputTokens: Int64
    /// `cacheWriteInputTokens`.
    public var cacheWriteInputTokens: Int64

    private enum CodingKeys: String, CodingKey {
        case inputTokens, outputTokens, cacheReadInputTokens, cacheWriteInputTokens
    }

    /// Decodes the JSON shape; missing counts are 0.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let count = { (key: CodingKeys) throws -> Int64 in try container.decodeIfPresent(Int64.self, forKey: key) ?? 0 }
        inputTokens = try count(.inputTokens)
        outputTokens = try count(.outputTokens)
        cacheReadInputTokens = try count(.cacheReadInputTokens)
        cacheWriteInputTokens = try count(.cacheWriteInputTokens)
    }
}

extension KeyedDecodingContainer {
    /// The details object at `key`, read with `keys`; absent or null: nil; anything but an
    /// object is refused, not ignored.
    fileprivate func details<Details: CodingKey>(
        _ keys: Details.Type, _ key: Key
    ) throws -> KeyedDecodingContainer<Details>? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        return try nestedContainer(keyedBy: keys, forKey: key)
    }
}
