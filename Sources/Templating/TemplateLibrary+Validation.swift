extension TemplateLibrary {
    /// Fails on the first fixed partial or parent name that no template provides.
    static func validate(_ templates: [String: Template]) throws(TemplateError) {
        for name in templates.keys.sorted() {
            guard let template = templates[name] else { continue }
            try validate(template.nodes, in: template, against: templates)
        }
    }

    private static func validate(
        _ nodes: [Node], in template: Template, against templates: [String: Template]
    ) throws(TemplateError) {
        for node in nodes {
            switch node {
            case .text, .variable:
                break
            case .section(let section):
                try validate(section.nodes, in: template, against: templates)
            case .block(let block):
                try validate(block.nodes, in: template, against: templates)
            case .partial(let partial):
                if case .fixed(let name) = partial.name, templates[name] == nil {
                    throw error(.missingPartial(name), in: template, at: partial.location)
                }
            case .parent(let parent):
                if case .fixed(let name) = parent.name, templates[name] == nil {
                    throw error(.missingParent(name), in: template, at: parent.location)
                }
                for block in parent.blocks.values.sorted(by: { $0.name < $1.name }) {
                    try validate(block.nodes, in: template, against: templates)
                }
            }
        }
    }

    private static func error(_ kind: TemplateError.Kind, in template: Template, at place: SourceLocation) -> TemplateError {
        TemplateError(kind, template: template.sourceName, line: place.line, column: place.column)
    }
}
