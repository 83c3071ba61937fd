import Foundation
import Testing
@testable import Metering

@Suite("Usage shapes")
struct TokenUsageTests {
    @Test func openAICachedTokensArePartOfThePrompt() throws {
        let json = #"{"prompt_tokens": 1200, "completion_tokens": 300, "total_tokens": 1500, "prompt_tokens_details": {"cached_tokens": 1000}, "completion_tokens_details": {"reasoning_tokens": 100}}"#
        let usage = try TokenUsage(JSONDecoder().decode(ProviderUsage.self, from: Data(json.utf8)))
        #expect(usage == (try TokenUsage(input: 200, cachedInput: 1_000, output: 300)))
        #expect(usage.total == 1_500)
    }

    @Test func anthropicCachedTokensAreSeparateFromInput() throws {
        let json = #"{"input_tokens": 200, "output_tokens": 300, "cache_read_input_tokens": 1000, "cache_creation_input_tokens": 50}"#
        let usage = try TokenUsage(JSONDecoder().decode(ProviderUsage.self, from: Data(json.utf8)))
        #expect(usage == (try TokenUsage(input: 250, cachedInput: 1_000, output: 300)))
    }

    @Test func theSameCallInBothShapesCostsTheSame() throws {
        let openAI = try TokenUsage(openAI: OpenAIUsage(promptTokens: 1_200, completionTokens: 300, cachedTokens: 1_000))
        let anthropic = try TokenUsage(anthropic: AnthropicUsage(inputTokens: 200, outputTokens: 300, cacheReadInputTokens: 1_000))
        #expect(openAI == anthropic)
    }

    @Test func openAIResponsesShapeAlsoIncludesCachedTokensInInput() throws {
        let json = #"{"input_tokens": 1200, "output_tokens": 300, "input_tokens_details": {"cached_tokens": 1000}, "output_tokens_details": {"reasoning_tokens": 120}}"#
        let decoded = try JSONDecoder().decode(ProviderUsage.self, from: Data(json.utf8))
        #expect(decoded == .openAI(OpenAIUsage(promptTokens: 1_200, completionTokens: 300, cachedTokens: 1_000)))
        #expect(try TokenUsage(decoded) == (try TokenUsage(input: 200, cachedInput: 1_000, output: 300)))
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
        #"{"prompt_tokens": 1, "cache_read_input_tokens": 5}"#,
    ])
    func ambiguousShapes(json: String) {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ProviderUsage.self, from: Data(json.utf8)) }
    }
}
