// Renders the customer dashboard with Templating, swift-mustache and a hand-written builder,
// checks the three outputs are the same HTML, then times each. Run in release mode:
//   swift build -c release --product TemplateBenchmark --scratch-path .build-bench
//   ./.build-bench/release/TemplateBenchmark
import Foundation
import Mustache
import Templating

let data = DashboardData()
let view = DashboardView(data)
let dictionary = data.dictionary

let library = try TemplateLibrary(templates: DashboardTemplates.all)
let mustacheLibrary = MustacheLibrary(
    templates: try DashboardTemplates.all.mapValues { try MustacheTemplate(string: $0) })

@MainActor func renderTemplating() -> String {
    (try? library.render(view, template: "dashboard")) ?? ""
}

@MainActor func renderSwiftMustache() -> String {
    mustacheLibrary.render(dictionary, withTemplate: "dashboard") ?? ""
}

@MainActor func renderHandWritten() -> String {
    HandWritten.render(data)
}

/// swift-mustache's entity for `'` may differ from ours; compare with it normalised.
func normalised(_ html: String) -> String {
    html.replacingOccurrences(of: "&#x27;", with: "&#39;").replacingOccurrences(of: "&apos;", with: "&#39;")
}

func check(_ name: String, _ output: String, against reference: String) -> Bool {
    guard output != reference else { return true }
    let common = zip(output, reference).prefix { $0 == $1 }.count
    print("\(name) differs from Templating at character \(common):")
    print("  \(name): \(String(output.dropFirst(max(0, common - 40)).prefix(120)).debugDescription)")
    print("  Templating: \(String(reference.dropFirst(max(0, common - 40)).prefix(120)).debugDescription)")
    return false
}

// `TemplateBenchmark profile` renders with Templating only, a fixed number of times (for callgrind).
if CommandLine.arguments.dropFirst().first == "profile" {
    var total = 0
    for _ in 0..<2_000 { total &+= renderTemplating().utf8.count }
    print("profiled 2000 renders, \(total) bytes")
    exit(0)
}

let reference = renderTemplating()
let allEqual = [
    check("hand-written", renderHandWritten(), against: reference),
    check("swift-mustache", normalised(renderSwiftMustache()), against: reference),
].allSatisfy { $0 }
guard allEqual, reference.contains("&amp;"), reference.contains("&#39;") else {
    print("outputs differ; not timing")
    exit(1)
}
print("outputs equal: \(reference.utf8.count) bytes of HTML, escaping checked")

/// Renders repeatedly for about `seconds` and returns renders per second.
func measure(_ name: String, seconds: Double = 2, _ body: () -> String) -> Double {
    var total = 0
    for _ in 0..<50 { total &+= body().utf8.count }  // warm up
    let clock = ContinuousClock()
    var renders = 0
    let start = clock.now
    var elapsed = Duration.zero
    while elapsed < .seconds(seconds) {
        for _ in 0..<20 { total &+= body().utf8.count }
        renders += 20
        elapsed = clock.now - start
    }
    let perSecond = Double(renders) / (Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds))
    let micros = 1e6 / perSecond
    print(String(format: "%-15@ %10.0f renders/s  %8.1f µs/render  (checksum %d)", name as NSString, perSecond, micros, total & 0xFF))
    return perSecond
}

let ours = measure("Templating", renderTemplating)
let theirs = measure("swift-mustache", renderSwiftMustache)
let hand = measure("hand-written", renderHandWritten)
print(String(format: "Templating vs swift-mustache: %.1f× faster (goal ≥ 10×)", ours / theirs))
print(String(format: "Templating vs hand-written:   %.2f× slower (goal ≤ 3×)", hand / ours))
