// libFuzzer entry point: parses arbitrary bytes as a template and renders it with partials,
// parents and a data tree. Any crash, hang or sanitizer report is a bug; parse and limit errors
// are expected outcomes. How to run: docs/templating.md.
import Templating

/// Fixed partials and parents the fuzzed template can reach.
private let partialSources: [String: String] = [
    "header": "<h1>{{title}}</h1>\n{{#user}}{{name}}{{/user}}\n",
    "row": "  <td>{{.}}</td>\n",
    "layout": "<html>{{$head}}default{{/head}}\n  {{$body}}\n  body\n  {{/body}}\n</html>",
    "nested": "{{<layout}}{{$body}}{{>row}}{{/body}}{{/layout}}",
    "dynamic": "{{>*partialName}}",
]

private let data: TemplateData = .object([
    "title": .string("A & B <c> \"d\" 'e'"),
    "user": .object(["name": .string("Zoë"), "admin": .bool(true)]),
    "items": .list([.int(1), .string("two"), .object(["name": .string("three")])]),
    "empty": .list([]),
    "flag": .bool(false),
    "nothing": .null,
    "price": .double(1.5),
    "partialName": .string("row"),
    "lambda": .lambda(TemplateLambda { text in "[" + text + "]" }),
])

private let limits = RenderLimits(maxDepth: 200, maxExpansions: 20_000)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let source = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    var sources = partialSources
    sources["input"] = source
    let options = TemplateLibrary.Options(strict: false, maxDepth: 200, limits: limits)
    if let library = try? TemplateLibrary(templates: sources, options: options) {
        _ = try? library.render(data, template: "input")
        _ = try? library.render(data, template: "nested")
    }
    _ = try? Template(source).render(data, limits: limits)
    return 0
}
