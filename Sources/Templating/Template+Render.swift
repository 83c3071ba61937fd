/// One render: the output buffer, the context stack and the state partials and blocks need.
struct Renderer {
    /// The templates partials and parents resolve to.
    let templates: [String: Template]
    let limits: RenderLimits
    /// What a name that resolves to nothing does.
    let mode: RenderMode
    var output: TemplateOutput
    /// The context stack; the last element is the innermost context.
    var stack: [any TemplateValue]
    /// Block overrides of the parents being rendered, outermost (most derived) first.
    var blockFrames: [[String: Block]] = []
    /// Indentation applied to template text lines, outermost first.
    var transforms: [IndentTransform] = []
    /// Whether the next template text starts a source line (only tracked while indenting).
    var atLineStart = false
    /// Indentation to remove from the next text when an override starts mid-line.
    var firstLineDedent: [UInt8] = []
    var depth = 0
    var expansions = 0
    /// The template being rendered, for limit errors.
    var templateName = ""

    init(
        templates: [String: Template], limits: RenderLimits, mode: RenderMode = .lenient, root: some TemplateValue,
        capacity: Int
    ) {
        self.templates = templates
        self.limits = limits
        self.mode = mode
        output = TemplateOutput(capacity: capacity)
        stack = [root]
        stack.reserveCapacity(16)
    }

    /// Renders a whole template.
    mutating func render(_ template: Template) throws(TemplateError) {
        templateName = template.sourceName
        do {
            try render(template.nodes)
        } catch let error as TemplateError {
            throw error
        } catch {
            // Only our own closures throw through `templateForEach`, and they throw TemplateError.
            throw TemplateError(.unreadable("\(error)"), template: templateName, line: 0, column: 0)
        }
    }

    /// Renders a node list.
    mutating func render(_ nodes: [Node]) throws {
        for node in nodes {
            switch node {
            case .text(let bytes):
                if transforms.isEmpty {
                    output.append(bytes)
                } else {
                    writeIndented(bytes)
                }
            case .variable(let path, let escaped):
                try renderVariable(path, escaped: escaped)
            case .section(let section):
                try renderSection(section)
            case .partial(let partial):
                try renderPartial(partial)
            case .parent(let parent):
                try renderParent(parent)
            case .block(let block):
                try renderBlock(block)
            }
        }
    }

    /// Looks `path` up: the head through the context stack, the tail on what was found.
    func resolve(_ path: Path) -> (any TemplateValue)? {
        if path.isImplicit { return stack.last }
        var index = stack.count - 1
        var found: (any TemplateValue)?
        while index >= 0 {
            if let value = stack[index].templateValue(forKey: path.head) {
                found = value
                break
            }
            index -= 1
        }
        guard var current = found else { return nil }
        for key in path.tail {
            guard let next = current.templateValue(forKey: key) else { return nil }
            current = next
        }
        return current
    }

    private mutating func renderVariable(_ path: Path, escaped: Bool) throws {
        guard let value = try lookUp(path) else { return }
        if let lambda = value.templateLambda {
            try renderInterpolationLambda(lambda, escaped: escaped)
            return
        }
        if !transforms.isEmpty {
            if atLineStart { writeLinePrefix([]) }
            firstLineDedent = []
        }
        value.writeTemplateText(to: &output, escaped: escaped)
    }

    private mutating func renderSection(_ section: Section) throws {
        let value = try lookUp(section.path)
        if section.inverted {
            if !(value?.templateIsTruthy ?? false) { try render(section.nodes) }
            return
        }
        guard let value, value.templateIsTruthy else { return }
        if let lambda = value.templateLambda {
            try renderSectionLambda(lambda, section: section)
            return
        }
        try enter()
        defer { depth -= 1 }
        try value.templateForEach { item in
            try countExpansion()
            stack.append(item)
            defer { stack.removeLast() }
            try render(section.nodes)
        }
    }

    private mutating func renderPartial(_ partial: Partial) throws {
        guard let template = template(named: partial.name) else { return }
        try enter()
        defer { depth -= 1 }
        try countExpansion()
        let pushed = pushIndent(partial.indent)
        defer { if pushed { transforms.removeLast() } }
        try render(template.nodes)
    }

    private mutating func renderParent(_ parent: Parent) throws {
        guard let template = template(named: parent.name) else { return }
        try enter()
        defer { depth -= 1 }
        try countExpansion()
        blockFrames.append(parent.blocks)
        defer { blockFrames.removeLast() }
        let pushed = pushIndent(parent.indent)
        defer { if pushed { transforms.removeLast() } }
        try render(template.nodes)
    }

    private mutating func renderBlock(_ block: Block) throws {
        try enter()
        defer { depth -= 1 }
        guard let override = blockFrames.lazy.compactMap({ $0[block.name] }).first else {
            try render(block.nodes)
            return
        }
        try countExpansion()
        transforms.append(IndentTransform(dedent: override.dedent, indent: block.siteIndent))
        defer { transforms.removeLast() }
        atLineStart = block.standalone
        firstLineDedent = block.standalone ? [] : override.dedent
        try render(override.nodes)
    }

    /// The template a partial or parent names, or nil (rendered as empty).
    func template(named name: TemplateName) -> Template? {
        switch name {
        case .fixed(let name):
            return templates[name]
        case .dynamic(let path):
            guard let value = resolve(path) else { return nil }
            var text = TemplateOutput()
            value.writeTemplateText(to: &text, escaped: false)
            return templates[text.string]
        }
    }

    /// Counts one level of nesting; throws past the limit.
    mutating func enter() throws {
        depth += 1
        guard depth <= limits.maxDepth else {
            throw TemplateError(.depthLimitExceeded(limits.maxDepth), template: templateName, line: 0, column: 0)
        }
    }

    /// Counts one expansion; throws past the limit.
    mutating func countExpansion() throws {
        expansions += 1
        guard expansions <= limits.maxExpansions else {
            throw TemplateError(
                .expansionLimitExceeded(limits.maxExpansions), template: templateName, line: 0, column: 0)
        }
    }
}
