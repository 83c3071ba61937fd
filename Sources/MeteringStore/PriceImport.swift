import Foundation
import Metering

/// A price list's syntax error.
public enum PriceListError: Error, Sendable, Equatable {
    /// The JSON could not be read; `line` is where reading stopped.
    case syntax(line: Int, message: String)
}

/// The formats a price list may come in (docs/admin-money.md).
public enum PriceListFormat: String, Sendable, Hashable {
    /// `model,input,cached_input,output[,per_request]`, USD per 1M tokens.
    case csv
    /// `[{"model": …, "input": …, "cached_input": …, "output": …, "per_request": …}]`, USD per 1M tokens.
    case json
    /// LiteLLM's `model_prices_and_context_window.json`: USD per token.
    case litellm

    /// A name for people.
    public var label: String {
        switch self {
        case .csv: "CSV"
        case .json: "JSON"
        case .litellm: "LiteLLM JSON"
        }
    }
}

/// One model's prices read from a list.
public struct PriceListEntry: Hashable, Sendable {
    /// The line the entry starts on.
    public let line: Int
    /// Exact model id or pattern.
    public let model: String
    /// What the entry charges.
    public let sheet: PriceSheet
    /// Prices the list gave with more digits than Tally holds, each rounded to the nearest
    /// representable price: what was written and what is kept (`"2.9999900000000002e-06 → 2.99999"`).
    public let rounded: [String]

    /// Prices per 1M tokens and per request.
    public var input: PricePerMillionTokens { sheet.input }
    public var cachedInput: PricePerMillionTokens { sheet.cachedInput }
    public var output: PricePerMillionTokens { sheet.output }
    public var perRequest: Money { sheet.perRequest }
}

/// A line that could not be used, or was left out on purpose.
public struct PriceListNote: Hashable, Sendable {
    /// The line (1-based).
    public let line: Int
    /// The model the line names, when known.
    public let model: String?
    /// What is wrong, in a sentence.
    public let message: String
}

/// A parsed price list: the entries, the lines in error and the lines skipped.
public struct PriceList: Sendable {
    /// The detected format.
    public let format: PriceListFormat
    /// Usable entries, in list order.
    public let entries: [PriceListEntry]
    /// Lines in error: an import with errors is refused as a whole.
    public let errors: [PriceListNote]
    /// Entries left out on purpose (no per-token price, or not in the model filter).
    public let skipped: [PriceListNote]

    /// Reads `text` (CSV, or JSON starting with `[` or `{`), keeping only models the filter
    /// admits (comma-separated exact ids or `*` patterns; empty: every model).
    public static func parse(_ text: String, only filter: String = "") -> PriceList {
        let matchers = filter.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .map(ModelMatcher.init)
        let trimmed = text.drop { $0.isWhitespace }
        var reader = PriceListReader(admits: { model in matchers.isEmpty || matchers.contains { $0.matches(model) } })
        let format: PriceListFormat
        switch trimmed.first {
        case "{":
            format = .litellm
            reader.readJSON(text, litellm: true)
        case "[":
            format = .json
            reader.readJSON(text, litellm: false)
        default:
            format = .csv
            reader.readCSV(text)
        }
        return PriceList(format: format, entries: reader.entries, errors: reader.errors, skipped: reader.skipped)
    }
}

/// Collects entries and notes while reading one list.
struct PriceListReader {
    let admits: (String) -> Bool
    var entries: [PriceListEntry] = []
    var errors: [PriceListNote] = []
    var skipped: [PriceListNote] = []
    private var seen: [String: Int] = [:]

    init(admits: @escaping (String) -> Bool) {
        self.admits = admits
    }

    mutating func add(line: Int, model: String, input: String?, cached: String?, output: String?, perRequest: String?, shift: Int) {
        guard (1...200).contains(model.count) else {
            return errors.append(PriceListNote(line: line, model: nil, message: "the model must be 1 to 200 characters"))
        }
        guard admits(model) else { return skipped.append(PriceListNote(line: line, model: model, message: "not in the model filter")) }
        if let first = seen[model] {
            return errors.append(PriceListNote(line: line, model: model, message: "\(model) is listed twice (first on line \(first))"))
        }
        seen[model] = line
        do {
            guard let input, let output else {
                throw PriceFieldError("needs both an input and an output price")
            }
            let inputPrice = try Self.price(input, field: "input", shift: shift)
            let rates = TokenRates(
                input: inputPrice, cachedInput: try cached.map { try Self.price($0, field: "cached input", shift: shift) },
                output: try Self.price(output, field: "output", shift: shift))
            entries.append(PriceListEntry(
                line: line, model: model,
                sheet: PriceSheet(rates: rates, perRequest: try perRequest.map { try Self.money($0, field: "per-request fee") } ?? .zero),
                rounded: []))
        } catch let error as PriceFieldError {
            errors.append(PriceListNote(line: line, model: model, message: error.message))
        } catch {
            errors.append(PriceListNote(line: line, model: model, message: "\(error)"))
        }
    }

    /// An entry read whole (LiteLLM's), with the prices it rounded.
    mutating func add(line: Int, model: String, sheet: PriceSheet, rounded: [String]) {
        if let first = seen[model] {
            return errors.append(PriceListNote(line: line, model: model, message: "\(model) is listed twice (first on line \(first))"))
        }
        seen[model] = line
        entries.append(PriceListEntry(line: line, model: model, sheet: sheet, rounded: rounded))
    }

    /// A price per 1M tokens from its text; `shift` 6 turns a per-token price into per 1M.
    /// With `excess: .roundHalfEven`, digits beyond 10⁻¹⁵ USD per token are rounded away.
    static func price(_ text: String, field: String, shift: Int, excess: ExcessPrecision = .refuse) throws -> PricePerMillionTokens {
        guard let plain = DecimalText.plain(text.trimmingCharacters(in: .whitespaces), shift: shift) else {
            throw PriceFieldError("the \(field) price '\(text.prefix(40))' is not a number")
        }
        do {
            return try PricePerMillionTokens(perMillion: Money(parsing: plain, excess: excess))
        } catch {
            switch error {
            case .tooManyDecimals:
                throw PriceFieldError("the \(field) price '\(text.prefix(40))' is more precise than Tally stores (10⁻¹⁵ USD per token)")
            case .negative: throw PriceFieldError("the \(field) price must not be negative")
            default: throw PriceFieldError("the \(field) price '\(text.prefix(40))' is out of range")
            }
        }
    }

    /// A price per 1M tokens as USD per token, the way LiteLLM writes it (`0.00000299999`).
    static func perTokenText(_ price: PricePerMillionTokens) -> String {
        DecimalText.plain(price.perMillion.decimalString, shift: -6) ?? price.description
    }

    static func money(_ text: String, field: String) throws -> Money {
        guard let plain = DecimalText.plain(text.trimmingCharacters(in: .whitespaces)), let money = try? Money(parsing: plain),
            money >= .zero
        else { throw PriceFieldError("the \(field) '\(text.prefix(40))' is not an amount of USD (at most 9 decimals)") }
        return money
    }
}

/// A field of a price list entry that cannot be used.
struct PriceFieldError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
