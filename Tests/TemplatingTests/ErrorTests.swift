import Templating
import Testing

/// Every parse and load error, asserting its kind and its line:column.
@Suite struct ErrorTests {
    /// Parses `source` and returns the error it throws.
    private func parseError(_ source: String) -> TemplateError? {
        do {
            _ = try Template(source, name: "page")
            return nil
        } catch {
            return error
        }
    }

    @Test func unclosedSectionPointsAtTheOpenTag() {
        let error = parseError("<ul>\n  {{#items}}\n  <li>{{name}}</li>\n")
        #expect(error == TemplateError(.unclosedSection("items"), template: "page", line: 2, column: 3))
        #expect(error?.description == "page:2:3: unclosed section 'items'")
    }

    @Test func unclosedParentAndBlock() {
        #expect(parseError("{{<layout}}\n{{$body}}x{{/body}}") == TemplateError(.unclosedSection("layout"), template: "page", line: 1, column: 1))
        #expect(parseError("a {{$body}}x") == TemplateError(.unclosedSection("body"), template: "page", line: 1, column: 3))
    }

    @Test func mismatchedCloseTag() {
        let error = parseError("{{#a}}\n{{#b}}\n{{/a}}\n{{/b}}")
        #expect(error == TemplateError(.mismatchedClose(expected: "b", found: "a"), template: "page", line: 3, column: 1))
    }

    @Test func closeWithoutOpen() {
        #expect(parseError("x\n  y {{/items}}") == TemplateError(.unexpectedClose("items"), template: "page", line: 2, column: 5))
    }

    @Test func unterminatedTags() {
        #expect(parseError("Hello {{name") == TemplateError(.unterminatedTag, template: "page", line: 1, column: 7))
        #expect(parseError("a\n{{{name}}") == TemplateError(.unterminatedTag, template: "page", line: 2, column: 1))
        #expect(parseError("{{! never closed") == TemplateError(.unterminatedTag, template: "page", line: 1, column: 1))
    }

    @Test func badDelimiterChanges() {
        #expect(parseError("{{=<% %>}}") == TemplateError(.invalidDelimiters("<% %>"), template: "page", line: 1, column: 1))
        #expect(parseError("x\n {{=<%=}}") == TemplateError(.invalidDelimiters("<%="), template: "page", line: 2, column: 2))
        #expect(parseError("{{=a = b=}}") == TemplateError(.invalidDelimiters("a = b="), template: "page", line: 1, column: 1))
    }

    @Test func emptyAndInvalidNames() {
        #expect(parseError("a {{}}") == TemplateError(.emptyTag, template: "page", line: 1, column: 3))
        #expect(parseError("{{#}}{{/}}") == TemplateError(.emptyTag, template: "page", line: 1, column: 1))
        #expect(parseError("{{first name}}") == TemplateError(.invalidName("first name"), template: "page", line: 1, column: 1))
        #expect(parseError("{{a..b}}") == TemplateError(.invalidName("a..b"), template: "page", line: 1, column: 1))
    }

    @Test func columnsCountCharactersNotBytes() {
        #expect(parseError("Zoë → {{#x}}") == TemplateError(.unclosedSection("x"), template: "page", line: 1, column: 7))
    }

    @Test func errorsAfterSetDelimitersUseTheNewDelimiters() {
        #expect(parseError("{{=<% %>=}}\n<%#a%>\n<%/b%>") == TemplateError(.mismatchedClose(expected: "a", found: "b"), template: "page", line: 3, column: 1))
    }

    @Test func missingPartialInStrictMode() {
        let sources = ["page": "<main>\n  {{> partials/missing }}\n</main>"]
        #expect(throws: TemplateError(.missingPartial("partials/missing"), template: "page", line: 2, column: 3)) {
            try TemplateLibrary(templates: sources)
        }
    }

    @Test func missingParentInStrictMode() {
        let sources = ["page": "{{<layout}}{{$body}}x{{/body}}{{/layout}}"]
        #expect(throws: TemplateError(.missingParent("layout"), template: "page", line: 1, column: 1)) {
            try TemplateLibrary(templates: sources)
        }
    }

    @Test func missingPartialInsideABlockOverride() {
        let sources = ["layout": "{{$body}}{{/body}}", "page": "{{<layout}}\n{{$body}}\n {{>nope}}\n{{/body}}\n{{/layout}}"]
        #expect(throws: TemplateError(.missingPartial("nope"), template: "page", line: 3, column: 2)) {
            try TemplateLibrary(templates: sources)
        }
    }

    @Test func missingPartialRendersEmptyWhenNotStrict() throws {
        let library = try TemplateLibrary(templates: ["page": "[{{>nope}}]"], options: .init(strict: false))
        #expect(try library.render(TemplateData.null, template: "page") == "[]")
    }

    @Test func unknownTemplateName() throws {
        let library = try TemplateLibrary(templates: ["page": "x"])
        #expect(throws: TemplateError(.unknownTemplate("other"), template: "other", line: 0, column: 0)) {
            try library.render(TemplateData.null, template: "other")
        }
    }

    @Test func descriptionWithoutPosition() {
        let error = TemplateError(.unknownTemplate("x"), template: "x", line: 0, column: 0)
        #expect(error.description == "x: no template named 'x'")
    }
}
