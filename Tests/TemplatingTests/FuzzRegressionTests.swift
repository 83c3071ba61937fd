import Templating
import Testing

/// Inputs that once broke (or were built to break) the parser or renderer, replayed on every run.
/// Add each `crash-…` file the fuzzer (Benchmarks/Sources/TemplateFuzz) finds here as a literal.
@Suite struct FuzzRegressionTests {
    private static let partials = [
        "layout": "<html>{{$head}}default{{/head}}\n  {{$body}}\n  body\n  {{/body}}\n</html>",
        "row": "  <td>{{.}}</td>\n",
    ]

    /// Edge inputs at the ends of tags, delimiters and lines: each must parse or throw, never crash.
    static let inputs: [String] = [
        "{{", "{{{", "{{{}}", "{{&}}", "{{=}}", "{{= =}}", "{{=a b=}}a", "{{=a b=}}{{x}}b",
        "{{#a}}{{/a}}{{/a}}", "{{<layout}}{{/layout}}{{/layout}}", "{{$b}}{{<layout}}{{/b}}",
        "{{<layout}}{{$body}}\n  {{$body}}\n{{/body}}\n{{/body}}{{/layout}}",
        "  {{<layout}}{{/layout}}  \r\n", "\r\n{{#a}}\r{{/a}}\r\n", "{{>*}}", "{{>* }}", "{{>*.}}",
        "{{<*row}}{{/*row}}", "{{#.}}{{.}}{{/.}}", "{{^.}}x{{/.}}", "{{!}}{{!{{}}", "\u{0}{{\u{0}}}",
        "{{=<< >>=}}<<={{ }}=>>{{x}}", "é{{#é}}{{/é}}", "{{$a}}\n{{/a}}\n{{$a}}\n  x\n{{/a}}",
    ]

    @Test(arguments: inputs)
    func parsesOrThrowsWithoutCrashing(_ input: String) throws {
        var sources = Self.partials
        sources["input"] = input
        let data: TemplateData = .object(["a": .list([.int(1), .int(2)]), "x": .string("<x>")])
        do {
            let library = try TemplateLibrary(templates: sources, options: .init(strict: false))
            let output = try library.render(data, template: "input")
            #expect(!output.contains("<x>"), "escaped values stay escaped")
        } catch {
            switch error.kind {
            case .depthLimitExceeded, .expansionLimitExceeded:
                break  // render limits (here: a block that renders itself) have no source position
            default:
                #expect(error.line >= 1 && error.column >= 1, "parse errors carry a position: \(error)")
            }
        }
    }

    @Test func parentTagWithoutABlockOnTheSameLine() throws {
        let library = try TemplateLibrary(templates: Self.partials.merging(["p": "  {{<layout}}{{/layout}}\n"]) { $1 })
        #expect(try library.render(TemplateData.null, template: "p") == "  <html>default\n    body\n  </html>")
    }
}
