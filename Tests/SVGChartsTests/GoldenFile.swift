import Foundation
import Testing

/// Golden files under `Tests/SVGChartsTests/Golden`, found through `#filePath`.
///
/// Run with `UPDATE_GOLDEN=1` to (re)write them; otherwise a mismatch fails the test and records the
/// first differing lines.
enum GoldenFile {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden")

    static var updating: Bool { ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" }

    /// Compares `actual` with the golden file `name`, or writes it when updating.
    static func check(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = directory.appendingPathComponent(name)
        if updating {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("Missing golden \(name); run with UPDATE_GOLDEN=1", sourceLocation: sourceLocation)
            return
        }
        if expected != actual {
            Issue.record("Golden \(name) differs:\n\(diff(expected: expected, actual: actual))",
                         sourceLocation: sourceLocation)
        }
    }

    /// The first differing lines, with two lines of context, as "-expected" / "+actual".
    static func diff(expected: String, actual: String, limit: Int = 8) -> String {
        let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = zip(old, new).enumerated().first(where: { $1.0 != $1.1 })?.offset
            ?? (old.count != new.count ? min(old.count, new.count) : nil) else { return "(identical)" }
        var out = ["@@ line \(first + 1) @@"]
        for index in max(0, first - 2)..<first { out.append("  " + old[index]) }
        for index in first..<min(old.count, first + limit) { out.append("-" + old[index]) }
        for index in first..<min(new.count, first + limit) { out.append("+" + new[index]) }
        return out.joined(separator: "\n")
    }
}
