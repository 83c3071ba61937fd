import Synchronization

/// A set of templates that refer to each other by name: partials (`{{>name}}`) and parents
/// (`{{<name}}`). Load it once at start-up, then render from any task.
///
/// ```swift
/// let library = try TemplateLibrary(directory: "templates")
/// let html = try library.render(DashboardView(...), template: "dashboard")
/// ```
///
/// In strict mode (the default) a partial or parent that no template provides is a load error,
/// reported with the file, line and column of the tag.
public final class TemplateLibrary: Sendable {
    /// How a library loads and renders.
    public struct Options: Sendable {
        /// Whether a fixed partial or parent name missing from the library fails the load.
        /// Off, it renders as empty (the Mustache spec's behaviour).
        public var strict: Bool
        /// Whether renders check the template files' modification times and reload on change
        /// (a development setting; only for libraries loaded from a directory).
        public var reloadOnChange: Bool
        /// The deepest nesting a template may have.
        public var maxDepth: Int
        /// Bounds on each render.
        public var limits: RenderLimits
        /// What a render does with a variable or section name that resolves to nothing: render it
        /// empty (the spec, the default), report it, or fail (``RenderMode/strict``, for tests).
        public var renderMode: RenderMode

        /// Creates options; the defaults suit production.
        public init(
            strict: Bool = true, reloadOnChange: Bool = false, maxDepth: Int = Template.defaultMaxDepth,
            limits: RenderLimits = RenderLimits(), renderMode: RenderMode = .lenient
        ) {
            self.strict = strict
            self.reloadOnChange = reloadOnChange
            self.maxDepth = maxDepth
            self.limits = limits
            self.renderMode = renderMode
        }
    }

    /// The templates of one load, and the file stamps they were read from.
    struct Snapshot: Sendable {
        var templates: [String: Template]
        var stamps: [String: FileStamp] = [:]
    }

    let options: Options
    /// The directory templates were loaded from, if any.
    let directory: String?
    private let loaded: Snapshot
    /// Only set when reloading: the latest snapshot, replaced when files change.
    private let reloading: Reloader?
    /// The largest output so far, so the next render reserves enough at once.
    private let sizeHint = Atomic<Int>(0)

    /// Parses templates given as source text, keyed by name.
    ///
    /// - Throws: ``TemplateError`` for the first template that fails to parse, or (strict) names a
    ///   missing partial or parent.
    public convenience init(templates: [String: String], options: Options = Options()) throws(TemplateError) {
        var parsed: [String: Template] = [:]
        for (name, source) in templates.sorted(by: { $0.key < $1.key }) {
            parsed[name] = try Template(source, name: name, maxDepth: options.maxDepth)
        }
        try self.init(snapshot: Snapshot(templates: parsed), options: options, directory: nil)
    }

    init(snapshot: Snapshot, options: Options, directory: String?) throws(TemplateError) {
        if options.strict { try TemplateLibrary.validate(snapshot.templates) }
        self.options = options
        self.directory = directory
        loaded = snapshot
        reloading = options.reloadOnChange && directory != nil ? Reloader(snapshot) : nil
    }

    /// The names of all templates, sorted.
    public var names: [String] {
        (try? currentTemplates())?.keys.sorted() ?? loaded.templates.keys.sorted()
    }

    /// The template called `name`, if the library has one.
    public func template(named name: String) -> Template? {
        (try? currentTemplates())?[name]
    }

    /// Renders the template called `name` with `value` as the root context.
    ///
    /// - Throws: ``TemplateError`` for an unknown name, a render limit, or (when reloading) a
    ///   template file that no longer parses.
    public func render(_ value: some TemplateValue, template name: String) throws(TemplateError) -> String {
        try output(value, template: name).string
    }

    /// Renders template `name` as UTF-8 bytes, for a response body: the same output as
    /// ``render(_:template:)`` without turning it into a `String` (which validates every byte
    /// again). The output is valid UTF-8: templates and every value written are `String`s.
    public func renderBytes(_ value: some TemplateValue, template name: String) throws(TemplateError) -> [UInt8] {
        try output(value, template: name).bytes
    }

    private func output(_ value: some TemplateValue, template name: String) throws(TemplateError) -> TemplateOutput {
        let templates = try currentTemplates()
        guard let template = templates[name] else {
            throw TemplateError(.unknownTemplate(name), template: name, line: 0, column: 0)
        }
        let capacity = max(sizeHint.load(ordering: .relaxed), template.textByteCount * 2)
        var renderer = Renderer(
            templates: templates, limits: options.limits, mode: options.renderMode, root: value, capacity: capacity)
        try renderer.render(template)
        let size = renderer.output.bytes.count
        if size > capacity { sizeHint.store(size + size / 8, ordering: .relaxed) }
        return renderer.output
    }

    private func currentTemplates() throws(TemplateError) -> [String: Template] {
        guard let reloading, let directory else { return loaded.templates }
        return try reloading.state.withLock { (snapshot: inout Snapshot) throws(TemplateError) in
            if try TemplateLibrary.stamps(in: directory) != snapshot.stamps {
                let fresh = try TemplateLibrary.load(directory: directory, options: options)
                if options.strict { try TemplateLibrary.validate(fresh.templates) }
                snapshot = fresh
            }
            return snapshot.templates
        }
    }
}

/// The latest snapshot of a reloading library, behind a lock.
final class Reloader: Sendable {
    /// The snapshot, replaced when template files change.
    let state: Mutex<TemplateLibrary.Snapshot>

    init(_ snapshot: TemplateLibrary.Snapshot) {
        state = Mutex(snapshot)
    }
}
