import Foundation
import Metering
import Reporting

/// The usage page's totals table: rows of the breakdown grouped one way, with the totals. The
/// CSV download writes exactly these rows (``csv``).
struct UsageTable: Sendable {
    /// One row: its key columns and sums.
    struct Row: Sendable {
        let keys: [String]
        var events: Int64 = 0
        var tokens: Int128 = 0
        var credits: Int128 = 0
    }

    let keyColumns: [String]
    let rows: [Row]
    let total: Row

    /// Groups `breakdown`'s cells by `group`: days and the "all" grouping in date order, features and
    /// models by label.
    init(_ breakdown: UsageBreakdown, group: UsageGroup) {
        keyColumns = switch group {
        case .day: ["Day"]
        case .feature: ["Feature"]
        case .model: ["Model"]
        case .all: ["Day", "Feature", "Model"]
        }
        var order: [[String]] = []
        var sums: [[String]: Row] = [:]
        var total = Row(keys: ["Total"] + Array(repeating: "", count: keyColumns.count - 1))
        for cell in breakdown.cells {
            let model = cell.model.isEmpty ? "No model" : cell.model
            let keys: [String] = switch group {
            case .day: [cell.day.description]
            case .feature: [cell.featureLabel]
            case .model: [model]
            case .all: [cell.day.description, cell.featureLabel, model]
            }
            if sums[keys] == nil {
                order.append(keys)
                sums[keys] = Row(keys: keys)
            }
            sums[keys]?.add(cell)
            total.add(cell)
        }
        if group == .feature || group == .model { order.sort { $0.lexicographicallyPrecedes($1) } }
        rows = order.compactMap { sums[$0] }
        self.total = total
    }

    /// RFC 4180 CSV of the rows (no totals line): the key columns, then `events`, `tokens` and
    /// `credits` (a plain decimal, e.g. `1234.5`). Text that a spreadsheet would run as a formula is
    /// prefixed with `'`.
    var csv: String {
        let header = keyColumns.map { $0.lowercased() } + ["events", "tokens", "credits"]
        var lines = [header.joined(separator: ",")]
        for row in rows {
            let cells = row.keys.map(Self.field) + [String(row.events), String(row.tokens), Credits(millis: row.credits).decimalString]
            lines.append(cells.joined(separator: ","))
        }
        return lines.map { $0 + "\r\n" }.joined()
    }

    /// A text field: formula-looking text defused, quoted when needed.
    static func field(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@\t\r".contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension UsageTable.Row {
    mutating func add(_ cell: UsageCell) {
        events += cell.events
        tokens += cell.tokens
        credits += cell.credits.millis
    }
}
