import Templating
import Foundation
import Metering
import MeteringStore

/// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]` (what a `datetime-local` input sends), read as UTC.
func parseUTCInstant(_ text: String) -> Date? {
    let text = text.trimmingCharacters(in: .whitespaces)
    let parts = text.split(separator: "T", maxSplits: 1, omittingEmptySubsequences: false)
    guard let day = LocalDay(requested: String(parts[0])) else { return nil }
    var seconds = 0
    if parts.count == 2 {
        let clock = parts[1].split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(clock.count), clock.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
            let hour = Int(clock[0]), let minute = Int(clock[1]), hour < 24, minute < 60
        else { return nil }
        let second = clock.count == 3 ? Int(clock[2]) : 0
        guard let second, second < 60 else { return nil }
        seconds = hour * 3600 + minute * 60 + second
    }
    return day.start(in: TimeZone(secondsFromGMT: 0)!).addingTimeInterval(TimeInterval(seconds))
}

/// `2027-02-01T00:00` for a `datetime-local` input (UTC).
func utcInputValue(_ date: Date) -> String {
    String(MoneyText.timestamp(date).dropLast(4)).replacingOccurrences(of: " ", with: "T")
}

/// The "add a version" form: `model`, `input`, `cached_input`, `output`, `per_request`,
/// `effective_from`, and the optional prices of the other token kinds (`cache_write_5m`,
/// `cache_write_1h`, `reasoning`, `audio_input`, `audio_output`, `image_input`; empty: the
/// kind's default, docs/metering.md) and `per_query` (a web search).
enum PriceVersionForm {
    /// The form as a new page shows it: effective now.
    static func initial(now: Date) -> FormState {
        FormState(["effective_from": utcInputValue(now)])
    }

    /// The form as a refused page shows it: values trimmed, the instant in the input's format.
    static func shown(_ form: FormState) -> FormState {
        var shown = FormState(form.values.mapValues { $0.trimmingCharacters(in: .whitespaces) }, errors: form.errors)
        if let effective = parseUTCInstant(form["effective_from"]) { shown.values["effective_from"] = utcInputValue(effective) }
        return shown
    }

    /// The version to add, or every message at once.
    static func draft(_ form: FormState) throws(FieldErrors) -> PriceDraft {
        var errors = FieldErrors()
        let model = form["model"]
        if model.isEmpty {
            errors["model"] = "Enter a model id (gpt-4o) or a pattern with * (gpt-4o*)."
        } else if model.count > 200 {
            errors["model"] = "Use at most 200 characters."
        }
        func price(_ field: String, required: Bool) -> PricePerMillionTokens? {
            if form[field].isEmpty {
                if required { errors[field] = "Enter a price in USD per 1M tokens, like 2.50." }
                return nil
            }
            do {
                return try PricePerMillionTokens(parsing: form[field])
            } catch {
                errors[field] = Self.message(for: error, unit: "USD per 1M tokens")
            }
            return nil
        }
        let input = price("input", required: true)
        let output = price("output", required: true)
        let cached = price("cached_input", required: false)
        let write5m = price("cache_write_5m", required: false), write1h = price("cache_write_1h", required: false)
        let reasoning = price("reasoning", required: false)
        let audioInput = price("audio_input", required: false), audioOutput = price("audio_output", required: false)
        let imageInput = price("image_input", required: false)
        func fee(_ field: String) -> Money {
            guard !form[field].isEmpty else { return .zero }
            do {
                let fee = try Money(parsing: form[field])
                if fee < .zero { errors[field] = "The fee must not be negative." }
                return fee
            } catch {
                errors[field] = Self.message(for: error, unit: "USD")
            }
            return .zero
        }
        let perRequest = fee("per_request"), perQuery = fee("per_query")
        let effective = parseUTCInstant(form["effective_from"])
        if effective == nil { errors["effective_from"] = "Enter a date (YYYY-MM-DD) or date and time (UTC)." }
        guard errors.isEmpty, let input, let output, let effective else { throw errors }
        let rates = TokenRates(
            input: input, cachedInput: cached, cacheWrite5m: write5m, cacheWrite1h: write1h, output: output, reasoning: reasoning,
            audioInput: audioInput, audioOutput: audioOutput, imageInput: imageInput)
        return PriceDraft(
            model: model, sheet: PriceSheet(rates: rates, perRequest: perRequest, perQuery: perQuery), effectiveFrom: effective)
    }

    static func message(for error: AmountError, unit: String) -> String {
        switch error {
        case .tooManyDecimals: "Use at most 9 decimals (\(unit))."
        case .negative: "The price must not be negative."
        case .outOfRange: "That amount is too large."
        default: "Enter a number like 2.50 (\(unit)); no $ sign, spaces or exponents."
        }
    }
}
