import Foundation
import Metering

/// LiteLLM's `model_prices_and_context_window.json`: an object keyed by model id, prices in USD
/// per token (docs/admin-money.md, "Importing a price list"). Every key Tally can express is
/// read, with LiteLLM's own fallbacks for the keys an entry leaves out, so an imported version
/// charges what LiteLLM's cost calculator charges:
///
/// - the token kinds: `input_cost_per_token`, `cache_read_input_token_cost`,
///   `cache_creation_input_token_cost` (5-minute writes), `…_above_1hr` (1-hour writes),
///   `output_cost_per_token`, `output_cost_per_reasoning_token`, `input_cost_per_audio_token`,
///   `output_cost_per_audio_token`, `input_cost_per_image_token`;
/// - web search: `search_context_cost_per_query.search_context_size_medium`, per query;
/// - long prompts: every `…_above_<N>[k]_tokens` key, as a tier from N tokens;
/// - service tiers: the `…_flex`, `…_priority` and `…_batches` keys.
///
/// A price with more digits than Tally holds (10⁻¹⁵ USD per token) is rounded half to even to
/// the nearest one it holds, and the entry lists it as rounded.
struct LiteLLMEntry {
    let members: [String: String]

    /// The prices an entry states, as literal texts.
    init(_ value: LiteralJSON) {
        var members: [String: String] = [:]
        if case .object(let list) = value {
            for member in list {
                if let text = PriceListReader.text(member.value) {
                    members[member.key] = text
                } else if member.key == "search_context_cost_per_query", let medium = PriceListReader.text(member.value["search_context_size_medium"]) {
                    members["search_context_cost_per_query"] = medium
                }
            }
        }
        self.members = members
    }

    /// `_above_<N>_tokens` as the entry spells it (`200k` or `200000`), or nil.
    func aboveSuffix(_ threshold: Int64, suffix: String, prefix: String) -> String? {
        let spellings = threshold % 1_000 == 0 ? ["\(threshold / 1_000)k", "\(threshold)"] : ["\(threshold)"]
        return spellings.map { "_above_\($0)_tokens" }.first { members[prefix + $0 + suffix] != nil }
    }

    /// Why the entry cannot be imported, or nil when it can.
    var skipReason: String? {
        let input = members["input_cost_per_token"], output = members["output_cost_per_token"]
        guard input == nil else { return nil }
        let others = members.keys.filter { $0.contains("cost_per") && $0 != "output_cost_per_token" && $0 != "input_cost_per_token" }.sorted()
        let units = others.isEmpty ? "" : "; priced by \(others.prefix(3).joined(separator: ", ")), which Tally does not meter"
        guard let output else { return "no per-token price" + units }
        return DecimalText.plain(output) == "0"
            ? "only a zero output price (output_cost_per_token 0.0), no input price: nothing to charge" + units
            : "no input price per token" + units
    }
}

/// Reads one entry's prices into a sheet, noting each price it rounds.
struct LiteLLMSheetReader {
    let entry: LiteLLMEntry
    private(set) var rounded: [String] = []

    init(_ entry: LiteLLMEntry) {
        self.entry = entry
    }

    /// The price per 1M tokens of `key`, or nil when the entry has none.
    mutating func price(_ key: String) throws -> PricePerMillionTokens? {
        guard let text = entry.members[key] else { return nil }
        let price = try PriceListReader.price(text, field: key, shift: 6, excess: .roundHalfEven)
        if let exact = DecimalText.plain(text, shift: 6), exact != price.description, !rounded.contains(where: { $0.hasPrefix(key + " ") }) {
            rounded.append("\(key) \(text) → \(PriceListReader.perTokenText(price))")
        }
        return price
    }

    /// The fee of `key` in USD (per query), or nil.
    mutating func fee(_ key: String) throws -> Money? {
        guard let text = entry.members[key] else { return nil }
        guard let plain = DecimalText.plain(text), let money = try? Money(parsing: plain, excess: .roundHalfEven), money >= .zero else {
            throw PriceFieldError("the \(key) '\(text.prefix(40))' is not an amount of USD")
        }
        if plain != money.decimalString { rounded.append("\(key) \(text) → \(money.decimalString)") }
        return money
    }

    /// Long-prompt thresholds named by the entry's `…_above_<N>[k]_tokens<suffix>` keys.
    func thresholds(suffix: String) -> [Int64] {
        var found: Set<Int64> = []
        for key in entry.members.keys {
            guard let range = key.range(of: "_above_"), key.hasSuffix("_tokens" + suffix) else { continue }
            var number = key[range.upperBound...].dropLast(("_tokens" + suffix).count)
            // `…_above_1hr` keys are cache durations, not prompt lengths.
            if let nested = number.range(of: "_above_") { number = number[nested.upperBound...] }
            let thousands = number.hasSuffix("k")
            guard let value = Int64(thousands ? number.dropLast() : number) else { continue }
            found.insert(thousands ? value * 1_000 : value)
        }
        return found.sorted()
    }

    /// `_above_<N>_tokens` as the entry spells it (`200k` or `200000`), or nil.
    func aboveSuffix(_ threshold: Int64, suffix: String, prefix: String) -> String? {
        entry.aboveSuffix(threshold, suffix: suffix, prefix: prefix)
    }

    /// The whole sheet, with LiteLLM's fallbacks.
    mutating func sheet() throws -> PriceSheet {
        let input = try price("input_cost_per_token")!
        let output = try price("output_cost_per_token") ?? .zero
        let base = try rates(input: input, output: output, tier: "", threshold: nil, standardInput: input, standardOutput: output)
        var tiers: [PriceTier] = []
        for threshold in thresholds(suffix: "") {
            let entry = self.entry
            let above = { (prefix: String) in entry.aboveSuffix(threshold, suffix: "", prefix: prefix).map { prefix + $0 } }
            let tierInput = try above("input_cost_per_token").flatMap { try price($0) } ?? input
            let tierOutput = try above("output_cost_per_token").flatMap { try price($0) } ?? output
            tiers.append(PriceTier(
                serviceTier: .standard, aboveInputTokens: threshold,
                rates: try rates(input: tierInput, output: tierOutput, tier: "", threshold: threshold, standardInput: input, standardOutput: output)))
        }
        for (tier, suffix) in [(ServiceTier.flex, "_flex"), (.priority, "_priority")]
        where entry.members.keys.contains(where: { $0.hasSuffix(suffix) }) {
            let tierInput = try price("input_cost_per_token" + suffix) ?? input
            let tierOutput = try price("output_cost_per_token" + suffix) ?? output
            tiers.append(PriceTier(
                serviceTier: tier, aboveInputTokens: 0,
                rates: try rates(input: tierInput, output: tierOutput, tier: suffix, threshold: nil, standardInput: input, standardOutput: output)))
            for threshold in Set(thresholds(suffix: "") + thresholds(suffix: suffix)).sorted() {
                let entry = self.entry
                let above = { (prefix: String) -> String? in
                    entry.aboveSuffix(threshold, suffix: suffix, prefix: prefix).map { prefix + $0 + suffix }
                        ?? entry.aboveSuffix(threshold, suffix: "", prefix: prefix).map { prefix + $0 }
                }
                let aboveInput = try above("input_cost_per_token").flatMap { try price($0) } ?? tierInput
                let aboveOutput = try above("output_cost_per_token").flatMap { try price($0) } ?? tierOutput
                tiers.append(PriceTier(
                    serviceTier: tier, aboveInputTokens: threshold,
                    rates: try rates(input: aboveInput, output: aboveOutput, tier: suffix, threshold: threshold, standardInput: input, standardOutput: output)))
            }
        }
        if let batchInput = try price("input_cost_per_token_batches") {
            tiers += try batchTiers(input: batchInput, standardOutput: output)
        }
        return PriceSheet(
            rates: base, perQuery: try fee("search_context_cost_per_query") ?? .zero, tiers: tiers)
    }

    /// The rates of one service tier (`tier` is its key suffix, `""` for standard) at one
    /// threshold, from its input and output prices: a kind the entry does not price for the
    /// tier takes the standard key's price, then its default (LiteLLM's order).
    private mutating func rates(
        input: PricePerMillionTokens, output: PricePerMillionTokens, tier: String, threshold: Int64?,
        standardInput: PricePerMillionTokens, standardOutput: PricePerMillionTokens
    ) throws -> TokenRates {
        /// The first of: the tier's key above the threshold, the standard key above it, the
        /// tier's key, the standard key.
        func lookup(_ prefix: String) throws -> PricePerMillionTokens? {
            var keys: [String] = []
            if let threshold {
                if let above = aboveSuffix(threshold, suffix: tier, prefix: prefix) { keys.append(prefix + above + tier) }
                if let above = aboveSuffix(threshold, suffix: "", prefix: prefix) { keys.append(prefix + above) }
            }
            keys += [prefix + tier, prefix]
            for key in keys { if let price = try price(key) { return price } }
            return nil
        }
        let write5m = try lookup("cache_creation_input_token_cost") ?? input
        let reasoning: PricePerMillionTokens
        if let tierReasoning = try price("output_cost_per_reasoning_token" + tier), !tier.isEmpty {
            reasoning = tierReasoning
        } else if !tier.isEmpty, entry.members["output_cost_per_token" + tier] != nil {
            reasoning = output
        } else {
            reasoning = try price("output_cost_per_reasoning_token") ?? output
        }
        return TokenRates(
            input: input, cachedInput: try lookup("cache_read_input_token_cost") ?? input, cacheWrite5m: write5m,
            cacheWrite1h: try lookup("cache_creation_input_token_cost_above_1hr") ?? write5m, output: output,
            reasoning: reasoning, audioInput: try lookup("input_cost_per_audio_token") ?? input,
            audioOutput: try lookup("output_cost_per_audio_token") ?? output, imageInput: try lookup("input_cost_per_image_token") ?? input)
    }

    /// Batch rates: the `…_batches` keys; an output price the batch keys leave out is half the
    /// standard one (LiteLLM's rule); cache reads without a batch price keep the standard price.
    private mutating func batchTiers(input: PricePerMillionTokens, standardOutput: PricePerMillionTokens) throws -> [PriceTier] {
        let halfOutput = try PricePerMillionTokens(perMillion: Money(nanos: FixedPointHalf.half(standardOutput.perMillion.nanos)))
        let output = try price("output_cost_per_token_batches") ?? halfOutput
        let write5m = try price("cache_creation_input_token_cost_batches") ?? input
        let base = TokenRates(
            input: input, cachedInput: try price("cache_read_input_token_cost_batches") ?? price("cache_read_input_token_cost") ?? input,
            cacheWrite5m: write5m, cacheWrite1h: try price("cache_creation_input_token_cost_above_1hr_batches") ?? write5m,
            output: output, reasoning: output, audioInput: try price("input_cost_per_audio_token_batches") ?? input,
            audioOutput: output, imageInput: try price("input_cost_per_image_token_batches") ?? input)
        var tiers = [PriceTier(serviceTier: .batch, aboveInputTokens: 0, rates: base)]
        for threshold in thresholds(suffix: "_batches") {
            let entry = self.entry
            let above = { (prefix: String) in entry.aboveSuffix(threshold, suffix: "_batches", prefix: prefix).map { prefix + $0 + "_batches" } }
            let aboveInput = try above("input_cost_per_token").flatMap { try price($0) } ?? input
            let aboveOutput = try above("output_cost_per_token").flatMap { try price($0) } ?? output
            let aboveWrite = try above("cache_creation_input_token_cost").flatMap { try price($0) } ?? write5m
            tiers.append(PriceTier(serviceTier: .batch, aboveInputTokens: threshold, rates: TokenRates(
                input: aboveInput, cachedInput: try above("cache_read_input_token_cost").flatMap { try price($0) } ?? base[.cachedInput],
                cacheWrite5m: aboveWrite, cacheWrite1h: base[.cacheWrite1h], output: aboveOutput, reasoning: aboveOutput,
                audioInput: base[.audioInput], audioOutput: aboveOutput, imageInput: base[.imageInput])))
        }
        return tiers
    }
}

/// Halving a price for LiteLLM's "batch is half the standard output price".
enum FixedPointHalf {
    /// `value / 2`, half to even.
    static func half(_ value: Int128) -> Int128 {
        let quotient = value / 2
        return value % 2 == 0 || quotient % 2 == 0 ? quotient : quotient + 1
    }
}
