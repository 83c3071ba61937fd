import Foundation

extension PriceListReader {
    static let csvColumns = ["model", "input", "cached_input", "output", "per_request"]

    /// CSV with a header naming its columns (any order): `model`, `input`, `output` required,
    /// `cached_input` and `per_request` optional; prices in USD per 1M tokens. Blank lines and
    /// lines starting with `#` are ignored.
    mutating func readCSV(_ text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        var header: [String]?
        for (offset, raw) in lines.enumerated() {
            let number = offset + 1
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let fields = Self.csvFields(String(raw)) else {
                errors.append(PriceListNote(line: number, model: nil, message: "an opening quote is never closed"))
                continue
            }
            guard let columns = header else {
                let names = fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                let unknown = names.filter { !Self.csvColumns.contains($0) }
                let missing = ["model", "input", "output"].filter { !names.contains($0) }
                if !unknown.isEmpty || !missing.isEmpty || Set(names).count != names.count {
                    errors.append(PriceListNote(
                        line: number, model: nil,
                        message: "the header must name the columns model, input, output and optionally cached_input, per_request"
                            + (unknown.isEmpty ? "" : " (unknown: \(unknown.joined(separator: ", ")))")))
                    return
                }
                header = names
                continue
            }
            guard fields.count == columns.count else {
                errors.append(PriceListNote(
                    line: number, model: fields.first, message: "has \(fields.count) fields, the header has \(columns.count)"))
                continue
            }
            var row: [String: String] = [:]
            for (name, value) in zip(columns, fields) {
                let value = value.trimmingCharacters(in: .whitespaces)
                if !value.isEmpty { row[name] = value }
            }
            add(line: number, model: row["model"] ?? "", input: row["input"], cached: row["cached_input"],
                output: row["output"], perRequest: row["per_request"], shift: 0)
        }
        if header == nil, errors.isEmpty {
            errors.append(PriceListNote(line: 1, model: nil, message: "the list is empty"))
        }
    }

    /// The fields of one CSV line (RFC 4180 quotes, `""` for a quote); nil for an unclosed quote.
    static func csvFields(_ line: String) -> [String]? {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var characters = line.makeIterator()
        while let character = characters.next() {
            if quoted {
                if character == "\"" {
                    if let next = characters.next() {
                        if next == "\"" { field.append("\"") } else {
                            quoted = false
                            if next == "," { fields.append(field); field = "" } else { field.append(next) }
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "," {
                fields.append(field)
                field = ""
            } else if character == "\"" && field.trimmingCharacters(in: .whitespaces).isEmpty {
                quoted = true
                field = ""
            } else {
                field.append(character)
            }
        }
        guard !quoted else { return nil }
        fields.append(field)
        return fields
    }

    /// Tally's JSON (an array of objects, USD per 1M) or LiteLLM's (an object keyed by model,
    /// USD per token). Numbers are read from their literal text, never through Double.
    mutating func readJSON(_ text: String, litellm: Bool) {
        let document: LiteralJSON
        do {
            document = try LiteralJSON.parse(text)
        } catch {
            if case .syntax(let line, let message) = error {
                errors.append(PriceListNote(line: line, model: nil, message: "not valid JSON: \(message)"))
            }
            return
        }
        switch (document, litellm) {
        case (.object(let members), true):
            for member in members where member.key != "sample_spec" {
                readLiteLLM(member.key, line: member.line, member.value)
            }
        case (.array(let items), false):
            for (index, item) in items.enumerated() {
                guard case .object(let members) = item, case .string(let model)? = item["model"] else {
                    errors.append(PriceListNote(line: 1, model: nil, message: "item \(index + 1) needs a \"model\" string"))
                    continue
                }
                add(line: members.first?.line ?? 1, model: model, input: Self.text(item["input"]),
                    cached: Self.text(item["cached_input"]), output: Self.text(item["output"]),
                    perRequest: Self.text(item["per_request"]), shift: 0)
            }
        default:
            errors.append(PriceListNote(line: 1, model: nil, message: "expected a JSON array of prices or a LiteLLM object"))
        }
        if entries.isEmpty, errors.isEmpty, skipped.isEmpty {
            errors.append(PriceListNote(line: 1, model: nil, message: "the list is empty"))
        }
    }

    private mutating func readLiteLLM(_ model: String, line: Int, _ value: LiteralJSON) {
        guard case .object = value else {
            return errors.append(PriceListNote(line: line, model: model, message: "expected an object of costs"))
        }
        guard (1...200).contains(model.count) else {
            return skipped.append(PriceListNote(line: line, model: String(model.prefix(60)), message: "the model id is longer than 200 characters"))
        }
        guard admits(model) else { return skipped.append(PriceListNote(line: line, model: model, message: "not in the model filter")) }
        let entry = LiteLLMEntry(value)
        if let reason = entry.skipReason {
            let mode = Self.text(value["mode"]).map { " (mode \($0))" } ?? ""
            return skipped.append(PriceListNote(line: line, model: model, message: reason + mode))
        }
        var reader = LiteLLMSheetReader(entry)
        do {
            let sheet = try reader.sheet()
            add(line: line, model: model, sheet: sheet, rounded: reader.rounded)
        } catch let error as PriceFieldError {
            errors.append(PriceListNote(line: line, model: model, message: error.message))
        } catch {
            errors.append(PriceListNote(line: line, model: model, message: "\(error)"))
        }
    }

    /// A number's literal text, or a string's contents (prices may be quoted); nil otherwise.
    static func text(_ value: LiteralJSON?) -> String? {
        switch value {
        case .number(let text)?, .string(let text)?: text
        default: nil
        }
    }
}
