import Templating
import Testing

@Suite struct LimitsTests {
    @Test func fiveHundredNestedSectionsRender() throws {
        let depth = 500
        let source = String(repeating: "{{#a}}", count: depth) + "{{x}}" + String(repeating: "{{/a}}", count: depth)
        let data: TemplateData = .object(["a": .bool(true), "x": .string("deep")])
        #expect(try Template(source).render(data) == "deep")
    }

    @Test func nestingPastTheLimitIsAParseError() {
        let source = String(repeating: "{{#a}}", count: 20) + String(repeating: "{{/a}}", count: 20)
        #expect(throws: TemplateError(.depthLimitExceeded(10), template: "template", line: 1, column: 61)) {
            // Ten levels are allowed; the eleventh open tag (column 61) is one too many.
            try Template(source, maxDepth: 10)
        }
    }

    @Test func defaultLimitStopsAbsurdNestingCleanly() {
        let source = String(repeating: "{{#a}}", count: 5_000) + String(repeating: "{{/a}}", count: 5_000)
        #expect(throws: TemplateError.self) { try Template(source) }
        do {
            _ = try Template(source)
        } catch {
            #expect(error.kind == .depthLimitExceeded(Template.defaultMaxDepth))
        }
    }

    @Test func recursivePartialHitsTheRenderDepthLimit() throws {
        let library = try TemplateLibrary(templates: ["loop": "x{{>loop}}"], options: .init(limits: RenderLimits(maxDepth: 50)))
        #expect(throws: TemplateError(.depthLimitExceeded(50), template: "loop", line: 0, column: 0)) {
            try library.render(TemplateData.null, template: "loop")
        }
    }

    @Test func selfRecursiveBlocksHitTheDepthLimit() throws {
        let sources = [
            "parent": "{{$b}}{{/b}}",
            "page": "{{<parent}}{{$b}}{{$b}}{{/b}}{{$b}}{{/b}}{{/b}}{{/parent}}",
        ]
        let options = TemplateLibrary.Options(limits: RenderLimits(maxDepth: 100))
        let library = try TemplateLibrary(templates: sources, options: options)
        #expect(throws: TemplateError(.depthLimitExceeded(100), template: "page", line: 0, column: 0)) {
            try library.render(TemplateData.null, template: "page")
        }
    }

    @Test func exponentialSectionsHitTheExpansionLimit() throws {
        // 3^20 renders of the innermost section without a limit.
        let source = String(repeating: "{{#l}}", count: 20) + "x" + String(repeating: "{{/l}}", count: 20)
        let data: TemplateData = .object(["l": .list([.int(1), .int(2), .int(3)])])
        #expect(throws: TemplateError(.expansionLimitExceeded(10_000), template: "template", line: 0, column: 0)) {
            try Template(source).render(data, limits: RenderLimits(maxExpansions: 10_000))
        }
    }

    @Test func oneMegabyteTemplate() throws {
        let row = "<tr><td>{{name}}</td><td>{{#on}}yes{{/on}}{{^on}}no{{/on}}</td></tr>\n"
        let count = 1_048_576 / row.utf8.count + 1
        let source = String(repeating: row, count: count)
        #expect(source.utf8.count >= 1_048_576)
        let template = try Template(source)
        let output = try template.render(TemplateData.object(["name": .string("a&b"), "on": .bool(true)]))
        let expectedRow = "<tr><td>a&amp;b</td><td>yes</td></tr>\n"
        #expect(output == String(repeating: expectedRow, count: count))
    }

    @Test func errorLineInALargeTemplate() {
        let source = String(repeating: "line {{x}}\n", count: 100_000) + "  {{#open}}\n"
        #expect(throws: TemplateError(.unclosedSection("open"), template: "template", line: 100_001, column: 3)) {
            try Template(source)
        }
    }
}
