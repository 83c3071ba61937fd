import Foundation
import Templating
import Testing

@Suite struct LibraryTests {
    /// A fresh directory of template files.
    private func makeDirectory(_ files: [String: String]) throws -> String {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("templating-\(UUID().uuidString)").path
        for (path, text) in files {
            let url = URL(fileURLWithPath: root).appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return root
    }

    private let files = [
        "layout.mustache": "<title>{{$title}}Tally{{/title}}</title>\n{{>partials/header}}\n{{$body}}{{/body}}\n",
        "partials/header.mustache": "<h1>{{account}}</h1>",
        "dashboard.mustache": "{{<layout}}{{$title}}Usage{{/title}}{{$body}}<p>{{used}}</p>{{/body}}{{/layout}}",
        "notes.txt": "not a template",
    ]

    @Test func loadsEveryTemplateNamedByRelativePath() throws {
        let directory = try makeDirectory(files)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let library = try TemplateLibrary(directory: directory)
        #expect(library.names == ["dashboard", "layout", "partials/header"])
        let output = try library.render(["account": "A&B", "used": "12"], template: "dashboard")
        // The standalone partial tag's line ending goes with the tag (the spec's rule).
        #expect(output == "<title>Usage</title>\n<h1>A&amp;B</h1><p>12</p>\n")
        // The bytes for a response body are the same text.
        let bytes = try library.renderBytes(["account": "Ünïcødé 🚀 <&>", "used": "12"], template: "dashboard")
        let text = try library.render(["account": "Ünïcødé 🚀 <&>", "used": "12"], template: "dashboard")
        #expect(bytes == Array(text.utf8))
        #expect(String(decoding: bytes, as: UTF8.self).contains("Ünïcødé 🚀 &lt;&amp;&gt;"))
    }

    @Test func parseErrorNamesTheFile() throws {
        var broken = files
        broken["partials/row.mustache"] = "<tr>\n  {{#cells}}<td>{{.}}</td>\n</tr>\n"
        let directory = try makeDirectory(broken)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/partials/row.mustache"
        #expect(throws: TemplateError(.unclosedSection("cells"), template: path, line: 2, column: 3)) {
            try TemplateLibrary(directory: directory)
        }
        do {
            _ = try TemplateLibrary(directory: directory)
        } catch {
            #expect(error.description == "\(path):2:3: unclosed section 'cells'")
        }
    }

    @Test func missingPartialNamesTheFileLineAndColumn() throws {
        var broken = files
        broken["dashboard.mustache"] = "{{<layout}}\n{{$body}}\n  {{>partials/footer}}\n{{/body}}\n{{/layout}}"
        let directory = try makeDirectory(broken)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: TemplateError(.missingPartial("partials/footer"), template: directory + "/dashboard.mustache", line: 3, column: 3)) {
            try TemplateLibrary(directory: directory)
        }
    }

    @Test func missingDirectoryIsUnreadable() {
        #expect(throws: TemplateError(.unreadable("not a directory"), template: "/nonexistent/templates", line: 0, column: 0)) {
            try TemplateLibrary(directory: "/nonexistent/templates")
        }
    }

    @Test func reloadsChangedFilesWhenAsked() throws {
        let directory = try makeDirectory(["page.mustache": "v1 {{x}}"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let reloading = try TemplateLibrary(directory: directory, options: .init(reloadOnChange: true))
        let fixed = try TemplateLibrary(directory: directory)
        #expect(try reloading.render(["x": "a"], template: "page") == "v1 a")
        // A different size is a change even within the file system's mtime granularity.
        try "version 2 {{x}}".write(toFile: directory + "/page.mustache", atomically: true, encoding: .utf8)
        try "new".write(toFile: directory + "/added.mustache", atomically: true, encoding: .utf8)
        #expect(try reloading.render(["x": "a"], template: "page") == "version 2 a")
        #expect(try reloading.render(["x": "a"], template: "added") == "new")
        #expect(try fixed.render(["x": "a"], template: "page") == "v1 a")
    }

    @Test func reloadReportsANewParseError() throws {
        let directory = try makeDirectory(["page.mustache": "ok"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let library = try TemplateLibrary(directory: directory, options: .init(reloadOnChange: true))
        try "{{#open}}".write(toFile: directory + "/page.mustache", atomically: true, encoding: .utf8)
        #expect(throws: TemplateError(.unclosedSection("open"), template: directory + "/page.mustache", line: 1, column: 1)) {
            try library.render(TemplateData.null, template: "page")
        }
    }

    @Test func partialIndentationAndInheritanceThroughTheLibrary() throws {
        let library = try TemplateLibrary(templates: [
            "list": "<ul>\n  {{>item}}\n</ul>\n",
            "item": "{{#items}}\n<li>{{.}}</li>\n{{/items}}\n",
        ])
        #expect(try library.render(["items": ["a", "b"]], template: "list") == "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n")
    }
}
