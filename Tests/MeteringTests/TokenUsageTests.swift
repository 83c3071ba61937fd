import Foundation
import Testing
@testable import Metering

@Suite("Usage shapes")
struct TokenUsageTests {
    @Test func openAICachedTokensArePartOfThePrompt() throws {
        let json = #"{"prompt_tokens": 1200, "completion_tokens": 300, "total_tokens": 1500, "prompt_tokens_details": {"cached_tokens": 1000}, "completion_tokens_details": {"reasoning_tokens": 100}}"#
        let usage = try TokenUsage(JSONDecoder().decode(ProviderUsage.self, from: Data(json.utf8)))
        // Reasoning tokens are part of completion_tokens; Tally counts them apart.
        #expect(usage == (try TokenUsage(input: 200, cachedInput: 1_000, output: 200, reasoning: 100)))
        #expect(usage.total == 1_500)
    }

    @Test func anthropicCachedTokensAreSeparateFromInput() throws {
        let json = #"{"input_tokens": 200, "output_tokens": 300, "cache_read_input_tokens": 1000, "cache_creation_input_tokens": 50}"#
        let usage = try TokenUsage(JSONDecoder().decode(ProviderUsage.self, from: Data(json.utf8)))
        #expect(usage == (try TokenUsage(input: 200, cachedInput: 1_000, cacheWrite5m: 50, output: 300)))
    }

    @Test func theSameCallInBothShapesCostsTheSame() throws {
        let openAI = try TokenUsage(openAI: OpenAIUsage(promptTokens: 1_200, completionTokens: 300, cachedTokens: 1_000))
        let anthropic = try TokenUsage(anthropic: AnthropicUsage(inputTokens: 200, outputTokens: 300, cacheReadInputTokens: 1_000))
        #expect(openAI == anthropic)
    }

    @Test func openAIResponsesShapeAlsoIncludesCachedTokensInInput() throws {
        let json = #"{"input_tokens": 1200, "output_tokens": 300, "input_tokens_details": {"cached_tokens": 1000}, "output_tokens_details": {"reasoning_tokens": 120}}"#
        let decoded = try JSONDecoder().decode(ProviderUsage.self, from: Data(json.utf8))
        #expect(decoded == .openAI(OpenAIUsage(promptTokens: 1_200, completionTokens: 300, cachedTokens: 1_000, reasoningTokens: 120)))
        #expect(try TokenUsage(decoded) == (try TokenUsage(input: 200, cachedInput: 1_000, output: 180, reasoning: 120)))
    }

    @Test func bareInputAndOutputReadsTheSameInEitherShape() throws {
        let decoded = try JSONDecoder().decode(ProviderUsage.self, from: Data(#"{"input_tokens": 7, "output_tokens": 3}"#.utf8))
        #expect(try TokenUsage(decoded) == (try TokenUsage(input: 7, cachedInput: 0, output: 3)))
    }

    @Test func missingDetailsMeanNoCache() throws {
        let usage = try TokenUsage(JSONDecoder().decode(ProviderUsage.self, from: Data(#"{"prompt_tokens": 10, "completion_tokens": 5}"#.utf8)))
        #expect(usage == (try TokenUsage(input: 10, cachedInput: 0, output: 5)))
    }

    @Test func impossibleCountsAreRefused() {
        #expect(throws: UsageShapeError.cachedExceedsPrompt(cached: 11, prompt: 10)) {
            try TokenUsage(openAI: OpenAIUsage(promptTokens: 10, completionTokens: 0, cachedTokens: 11))
        }
        #expect(throws: UsageShapeError.negative(field: "output_tokens", value: -1)) {
            try TokenUsage(anthropic: AnthropicUsage(inputTokens: 1, outputTokens: -1))
        }
        #expect(throws: UsageShapeError.negative(field: "cached_input_tokens", value: -2)) {
            try TokenUsage(input: 0, cachedInput: -2, output: 0)
        }
        #expect(throws: UsageShapeError.overflow) { try TokenUsage(input: .max, cachedInput: 1, output: 0) }
    }

    @Test("mixed or unknown shapes do not decode", arguments: [
        #"{"prompt_tokens": 1, "input_tokens": 1}"#, #"{"tokens": 1}"#, #"{}"#,
        #"{"input_tokens": 1, "input_tokens_details": {"cached_tokens": 0}, "cache_read_input_tokens": 5}"#,
        #"{"promptTokenCount": 1, "input_tokens": 1}"#, #"{"inputTokens": 1, "prompt_tokens": 1}"#,
        #"{"prompt_tokens": 1, "cache_creation": {"ephemeral_5m_input_tokens": 1}}"#,
    ])
    func ambiguousShapes(json: String) {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ProviderUsage.self, from: Data(json.utf8)) }
    }

    @Test func anthropicCacheWritesSplitByDuration() throws {
        // claude-haiku-4-5: 1,200 in + 3,000 cache write (1 h) + 5,000 read + 400 out (issue 19).
        let json = #"{"input_tokens": 1200, "output_tokens": 400, "cache_read_input_tokens": 5000, "cache_creation_input_tokens": 3000, "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 3000}, "server_tool_use": {"web_search_requests": 2}}"#
        let usage = try TokenUsage(JSONDecoder().decode(ProviderUsage.self, from: Data(json.utf8)))
        #expect(usage == (try TokenUsage(input: 1_200, cachedInput: 5_000, cacheWrite1h: 3_000, output: 400, webSearchQueries: 2)))
        #expect(usage.promptTokens == 9_200)
    }

    @Test func liteLLMUsageCarriesAnthropicCacheKeysInsideThePrompt() throws {
        // LiteLLM's Usage for an Anthropic call: prompt_tokens = input + cache writes + cache reads.
        let json = #"{"prompt_tokens": 25050, "completion_tokens": 500, "total_tokens": 25550, "cache_creation_input_tokens": 20000, "cache_read_input_tokens": 5000, "prompt_tokens_details": {"cached_tokens": 5000}}"#
        let usage = try TokenUsage(JSONDecoder().decode(ProviderUsage.self, from: Data(json.utf8)))
        #expect(usage == (try TokenUsage(input: 50, cachedInput: 5_000, cacheWrite5m: 20_000, output: 500)))
    }

    @Test func geminiUsageMetadataCountsCachedAndThoughtsApart() throws {
        let json = #"{"promptTokenCount": 250000, "candidatesTokenCount": 1000, "cachedContentTokenCount": 100000, "thoughtsTokenCount": 300, "totalTokenCount": 251300, "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 249000}, {"modality": "AUDIO", "tokenCount": 1000}]}"#
        let usage = try TokenUsage(JSONDecoder().decode(ProviderUsage.self, from: Data(json.utf8)))
        #expect(usage == (try TokenUsage(input: 149_000, cachedInput: 100_000, output: 1_000, reasoning: 300, audioInput: 1_000)))
    }

    @Test func bedrockConverseUsageKeepsCacheOutsideInput() throws {
        let json = #"{"inputTokens": 100, "outputTokens": 20, "totalTokens": 2120, "cacheReadInputTokens": 1500, "cacheWriteInputTokens": 500}"#
        let usage = try TokenUsage(JSONDecoder().decode(ProviderUsage.self, from: Data(json.utf8)))
        #expect(usage == (try TokenUsage(input: 100, cachedInput: 1_500, cacheWrite5m: 500, output: 20)))
    }

    @Test func openAIAudioAndReasoningAreTakenOutOfTheirWholes() throws {
        let json = #"{"prompt_tokens": 1000, "completion_tokens": 600, "prompt_tokens_details": {"cached_tokens": 100, "audio_tokens": 300, "image_tokens": 50}, "completion_tokens_details": {"reasoning_tokens": 100, "audio_tokens": 400}}"#
        let usage = try TokenUsage(JSONDecoder().decode(ProviderUsage.self, from: Data(json.utf8)))
        #expect(usage == (try TokenUsage(
            input: 550, cachedInput: 100, output: 100, reasoning: 100, audioInput: 300, audioOutput: 400, imageInput: 50)))
        #expect(throws: UsageShapeError.self) {
            try TokenUsage(openAI: OpenAIUsage(promptTokens: 10, completionTokens: 5, reasoningTokens: 6))
        }
    }
}
