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

/// The "add a version" form as posted.
struct PriceVersionForm: Decodable, Sendable {
    var model: String?
    var input: String?
    var cached_input: String?
    var output: String?
    var per_request: String?
    var effective_from: String?
}

/// The add-a-version form on the page: values kept, messages per field.
struct PriceVersionFormView: KeyedTemplateValue, Sendable {
    var model = FieldState()
    var input = FieldState()
    var cachedInput = FieldState()
    var output = FieldState()
    var perRequest = FieldState()
    var effectiveFrom = FieldState()
    var hasErrors: Bool { [model, input, cachedInput, output, perRequest, effectiveFrom].contains { $0.invalid } }

    static let templateKeys: [String: any PartialKeyPath<PriceVersionFormView> & Sendable] = [
        "model": \.model, "input": \.input, "cachedInput": \.cachedInput, "output": \.output,
        "perRequest": \.perRequest, "effectiveFrom": \.effectiveFrom, "hasErrors": \.hasErrors,
    ]

    /// Validates `form`: the draft when every field is right, else the messages.
    static func validate(_ form: PriceVersionForm) -> (PriceVersionFormView, PriceDraft?) {
        func trimmed(_ text: String?) -> String { (text ?? "").trimmingCharacters(in: .whitespaces) }
        var view = PriceVersionFormView(
            model: FieldState(value: trimmed(form.model)), input: FieldState(value: trimmed(form.input)),
            cachedInput: FieldState(value: trimmed(form.cached_input)), output: FieldState(value: trimmed(form.output)),
            perRequest: FieldState(value: trimmed(form.per_request)), effectiveFrom: FieldState(value: trimmed(form.effective_from)))
        if view.model.value.isEmpty {
            view.model.error = "Enter a model id (gpt-4o) or a pattern with * (gpt-4o*)."
        } else if view.model.value.count > 200 {
            view.model.error = "Use at most 200 characters."
        }
        func price(_ field: inout FieldState, required: Bool) -> PricePerMillionTokens? {
            if field.value.isEmpty {
                if required { field.error = "Enter a price in USD per 1M tokens, like 2.50." }
                return nil
            }
            do {
                return try PricePerMillionTokens(parsing: field.value)
            } catch {
                field.error = Self.message(for: error, unit: "USD per 1M tokens")
            }
            return nil
        }
        let input = price(&view.input, required: true)
        let output = price(&view.output, required: true)
        let cached = price(&view.cachedInput, required: false)
        var perRequest = Money.zero
        if !view.perRequest.value.isEmpty {
            do {
                perRequest = try Money(parsing: view.perRequest.value)
                if perRequest < .zero { view.perRequest.error = "The fee must not be negative." }
            } catch {
                view.perRequest.error = Self.message(for: error, unit: "USD")
            }
        }
        let effective = parseUTCInstant(view.effectiveFrom.value)
        if let effective {
            view.effectiveFrom.value = utcInputValue(effective)
        } else {
            view.effectiveFrom.error = "Enter a date (YYYY-MM-DD) or date and time (UTC)."
        }
        guard !view.hasErrors, let input, let output, let effective else { return (view, nil) }
        return (view, PriceDraft(
            model: view.model.value, input: input, cachedInput: cached ?? input, output: output, perRequest: perRequest,
            effectiveFrom: effective))
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
