/// An event's `usage` object in either provider's shape, told apart by its keys:
///
/// - `prompt_tokens` / `completion_tokens` (Chat Completions), or `input_tokens_details` /
///   `output_tokens_details` (the Responses API): OpenAI, cached tokens *inside* the input count;
/// - otherwise `input_tokens` / `output_tokens` / `cache_read_input_tokens` /
///   `cache_creation_input_tokens`: Anthropic, cached tokens *outside* the input count.
///
/// A bare `{"input_tokens", "output_tokens"}` reads as Anthropic; with no cache keys both
/// providers mean the same thing by it. An object mixing the shapes, or with none of these keys,
/// fails to decode with a message naming the keys.
public enum ProviderUsage: Hashable, Sendable, Decodable {
    /// OpenAI's shape (cached tokens included in the input count).
    case openAI(OpenAIUsage)
    /// Anthropic's shape (cached tokens separate from `input_tokens`).
    case anthropic(AnthropicUsage)

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Decodes the object after looking at which keys it has.
    public init(from decoder: any Decoder) throws {
        let keys = Set(try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue))
        let has = { (names: Set<String>) in !keys.isDisjoint(with: names) }
        let chat = has(["prompt_tokens", "completion_tokens", "prompt_tokens_details"])
        let responses = has(["input_tokens_details", "output_tokens_details"])
        let anthropicOnly = has(["cache_read_input_tokens", "cache_creation_input_tokens"])
        let shared = has(["input_tokens", "output_tokens"])
        let mixed = (chat && (shared || responses || anthropicOnly)) || (responses && anthropicOnly)
        if !mixed, chat || responses {
            self = .openAI(try OpenAIUsage(from: decoder))
        } else if !mixed, shared || anthropicOnly {
            self = .anthropic(try AnthropicUsage(from: decoder))
        } else {
            let message = mixed
                ? "usage mixes OpenAI keys (prompt_tokens, completion_tokens, *_tokens_details) with other keys"
                : "usage needs prompt_tokens/completion_tokens (OpenAI) or input_tokens/output_tokens (Anthropic)"
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: message))
        }
    }
}

extension ProviderUsage {
    /// Every count as the provider named it, e.g. `("prompt_tokens", 1200)`.
    public var counts: [(name: String, value: Int64)] {
        switch self {
        case .openAI(let usage):
            [("prompt_tokens", usage.promptTokens), ("completion_tokens", usage.completionTokens), ("cached_tokens", usage.cachedTokens)]
        case .anthropic(let usage):
            [("input_tokens", usage.inputTokens), ("output_tokens", usage.outputTokens),
             ("cache_read_input_tokens", usage.cacheReadInputTokens), ("cache_creation_input_tokens", usage.cacheCreationInputTokens)]
        }
    }
}

extension TokenUsage {
    /// Normalises either provider shape (see `init(openAI:)` and `init(anthropic:)`).
    public init(_ usage: ProviderUsage) throws(UsageShapeError) {
        switch usage {
        case .openAI(let openAI): try self.init(openAI: openAI)
        case .anthropic(let anthropic): try self.init(anthropic: anthropic)
        }
    }
}
