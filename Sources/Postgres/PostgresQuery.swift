import Foundation

/// A SQL statement whose interpolated values become `$n` binds.
///
/// ```swift
/// let rows = try await connection.query("SELECT name FROM accounts WHERE id = \(id)")
/// ```
/// Every `\(value)` is sent separately from the SQL text, so no value can change the statement.
/// Raw SQL text can only be added through APIs whose names say `unsafe`.
public struct PostgresQuery: Sendable, ExpressibleByStringInterpolation {
    /// The statement text with `$1`, `$2`, … placeholders.
    public private(set) var sql: String
    /// The values bound to the placeholders, in order.
    public private(set) var binds: [any PostgresEncodable]

    /// A statement with no parameters.
    public init(stringLiteral value: String) {
        sql = value
        binds = []
    }

    /// A statement built by interpolation.
    public init(stringInterpolation: StringInterpolation) {
        sql = stringInterpolation.sql
        binds = stringInterpolation.binds
    }

    /// Wraps SQL text that was not written as a literal in code (e.g. a migration file).
    /// The caller vouches that no untrusted input reached `sql`.
    public init(unsafeSQL sql: String, binds: [any PostgresEncodable] = []) {
        self.sql = sql
        self.binds = binds
    }

    /// Builds the statement text and its binds.
    public struct StringInterpolation: StringInterpolationProtocol, Sendable {
        var sql: String
        var binds: [any PostgresEncodable]

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql = ""
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            binds = []
            binds.reserveCapacity(interpolationCount)
        }

        /// Literal SQL text from the source code.
        public mutating func appendLiteral(_ literal: String) { sql += literal }

        /// A value: becomes the next `$n` placeholder.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value) {
            binds.append(value)
            sql += "$\(binds.count)"
        }

        /// An optional value: the next `$n` placeholder, bound as NULL when nil.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            binds.append(value)
            sql += "$\(binds.count)"
        }

        /// An identifier (table, column or role name), double-quoted with inner quotes doubled.
        /// For names that cannot be bound, such as a role in `GRANT … TO`.
        public mutating func appendInterpolation(identifier: String) {
            sql += PostgresQuery.quoteIdentifier(identifier)
        }

        /// Another query's text and binds, renumbered.
        public mutating func appendInterpolation(_ fragment: PostgresQuery) {
            var renumbered = ""
            var scanner = fragment.sql[...]
            while let dollar = scanner.firstIndex(of: "$") {
                renumbered += scanner[..<dollar]
                scanner = scanner[scanner.index(after: dollar)...]
                let digits = scanner.prefix(while: \.isASCII).prefix(while: \.isNumber)
                if let number = Int(digits) {
                    renumbered += "$\(number + binds.count)"
                    scanner = scanner.dropFirst(digits.count)
                } else {
                    renumbered += "$"
                }
            }
            renumbered += scanner
            sql += renumbered
            binds += fragment.binds
        }

        /// Raw SQL text. The name is the warning: never pass user input.
        public mutating func appendInterpolation(unsafeRaw text: String) { sql += text }
    }

    /// Double-quotes an identifier for SQL text; a NUL is dropped since identifiers cannot hold it.
    public static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\0", with: "").replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
