/// A parsed Mustache template: an immutable, Sendable token tree, rendered many times.
///
/// ```swift
/// let template = try Template("Hello {{name}}!")
/// let html = try template.render(["name": "Ada"])
/// ```
///
/// Partials and parents resolve through a ``TemplateLibrary``; a lone template renders them as empty.
public struct Template: Sendable {
    /// The template's name (in a library: its path without extension, e.g. `partials/header`).
    public let name: String
    /// The file path or name used in error messages.
    public let sourceName: String
    /// The node tree.
    let nodes: [Node]
    /// Bytes of literal text, the starting size of the output buffer.
    let textByteCount: Int

    /// The deepest nesting of sections, parents and blocks a template may have.
    public static let defaultMaxDepth = 1000

    /// Parses `source`.
    ///
    /// - Parameters:
    ///   - name: The template's name, for partial lookup.
    ///   - sourceName: The file path (or name) shown in errors; defaults to `name`.
    ///   - maxDepth: The deepest nesting allowed before a `depthLimitExceeded` error.
    /// - Throws: ``TemplateError`` with the line and column of the first parse error.
    public init(
        _ source: String, name: String = "template", sourceName: String? = nil, maxDepth: Int = Template.defaultMaxDepth
    ) throws(TemplateError) {
        self.name = name
        self.sourceName = sourceName ?? name
        var parser = TemplateParser(source: source, templateName: sourceName ?? name, maxDepth: maxDepth)
        nodes = try parser.parse()
        textByteCount = Template.textBytes(in: nodes)
    }

    /// Renders the template with `value` as the root of the context stack.
    ///
    /// Partials and parents render as empty; use ``TemplateLibrary`` to resolve them. `mode` says
    /// what a name that resolves to nothing does (the spec's empty text by default).
    public func render(
        _ value: some TemplateValue, limits: RenderLimits = RenderLimits(), mode: RenderMode = .lenient
    ) throws(TemplateError) -> String {
        var renderer = Renderer(templates: [:], limits: limits, mode: mode, root: value, capacity: textByteCount * 2)
        try renderer.render(self)
        return renderer.output.string
    }

    private static func textBytes(in nodes: [Node]) -> Int {
        nodes.reduce(0) { total, node in
            if case .text(let bytes) = node { return total + bytes.count }
            return total
        }
    }
}

/// Bounds on one render, so a template that recurses through partials or blocks fails cleanly.
public struct RenderLimits: Sendable {
    /// The deepest nesting of sections, partials, parents, blocks and lambdas during a render.
    public var maxDepth: Int
    /// The most expansions (section items, partials, parents, blocks, lambdas) in one render.
    public var maxExpansions: Int

    /// Creates limits; the defaults are far above any real page.
    public init(maxDepth: Int = 1000, maxExpansions: Int = 1_000_000) {
        self.maxDepth = maxDepth
        self.maxExpansions = maxExpansions
    }
}
