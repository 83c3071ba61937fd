import Foundation
import Logging
import Synchronization
@testable import TallyWeb
import TallyWebTestSupport
import Templating
import Testing

/// Tests render every page strictly, so a key a view model does not have fails the test that
/// renders the page; the server renders it empty and logs it.
@Suite("Strict pages")
struct StrictPagesTests {
    private let login = LoginPageView(csrfToken: "token", email: "lee@example.com", error: "")

    /// The repository's templates in a temporary folder, with `login.mustache`'s email field
    /// reading `{{emial}}`. The caller removes the folder.
    private func templatesWithMisspeltKey() throws -> String {
        let folder = NSTemporaryDirectory() + "tally-templates-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: WebHarness.configuration.templatesDirectory, toPath: folder)
        let path = folder + "/login.mustache"
        let source = try String(contentsOfFile: path, encoding: .utf8)
        #expect(source.contains("value=\"{{email}}\""))
        try source.replacingOccurrences(of: "value=\"{{email}}\"", with: "value=\"{{emial}}\"")
            .write(toFile: path, atomically: true, encoding: .utf8)
        return folder
    }

    @Test("the repository's login page renders strictly, with no frame")
    func loginRendersStrictly() throws {
        let pages = try Pages(
            directory: WebHarness.configuration.templatesDirectory, reloadOnChange: false, strict: true,
            logger: Logger(label: "test"))
        let html = try pages.render("login", login)
        #expect(html.contains("value=\"lee@example.com\""))
        #expect(!html.contains("Sign out"))
    }

    @Test("a misspelt key fails a strict render with the template, line and tag")
    func misspeltKeyFails() throws {
        let folder = try templatesWithMisspeltKey()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let pages = try Pages(directory: folder, reloadOnChange: false, strict: true, logger: Logger(label: "test"))
        do {
            _ = try pages.render("login", login)
            Issue.record("a misspelt key should fail a strict render")
        } catch let error as TemplateError {
            #expect(error.kind == .unresolvedName("emial", tag: "{{emial}}"))
            #expect(error.template == folder + "/login.mustache")
            #expect(error.line == 10)
            #expect(error.description.contains("login.mustache:10:"), "got: \(error)")
        }
    }

    @Test("the server renders a misspelt key as empty and logs a warning naming it")
    func serverLogsMisspeltKey() throws {
        let folder = try templatesWithMisspeltKey()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let lines = LoggedLines()
        let logger = Logger(label: "test") { _ in LineHandler(lines: lines) }
        let pages = try Pages(directory: folder, reloadOnChange: false, strict: false, logger: logger)
        let html = try pages.render("login", login)
        #expect(html.contains("value=\"\""))
        let logged = lines.all
        #expect(logged.count == 1)
        #expect(logged.first?.contains("login.mustache:10:") == true, "got: \(logged)")
        #expect(logged.first?.contains("{{emial}}") == true, "got: \(logged)")
    }
}

/// The lines a ``LineHandler`` kept.
private final class LoggedLines: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func append(_ line: String) { lines.withLock { $0.append(line) } }
}

/// Keeps each log line's message and metadata.
private struct LineHandler: LogHandler {
    let lines: LoggedLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let text = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        lines.append(([event.message.description] + text).joined(separator: " "))
    }
}
