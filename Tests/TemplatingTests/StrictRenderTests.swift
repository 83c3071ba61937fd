import Synchronization
import Templating
import Testing

/// A view model with a key table: a nil Optional is a key that is present (and empty).
private struct OrderView: KeyedTemplateValue {
    struct Line: KeyedTemplateValue {
        let label: String
        let note: String?
        static let templateKeys: TemplateKeys<Self> = ["label": { $0.label }, "note": { $0.note }]
    }

    struct Customer: KeyedTemplateValue {
        let name: String
        static let templateKeys: TemplateKeys<Self> = ["name": { $0.name }]
    }

    let customer: Customer
    let lines: [Line]
    let discount: String?
    let referrer: Customer?

    static let templateKeys: TemplateKeys<Self> = [
        "customer": { $0.customer },
        "lines": { $0.lines },
        "discount": { $0.discount },
        "referrer": { $0.referrer },
        "hasDiscount": { $0.discount != nil },
    ]
}

/// Strict rendering: a name that resolves to nothing fails with the template, line and tag.
@Suite struct StrictRenderTests {
    private let order = OrderView(
        customer: .init(name: "Ada"), lines: [.init(label: "Tokens", note: nil), .init(label: "Fee", note: "monthly")],
        discount: nil, referrer: nil)

    /// Renders `source` strictly and returns the error it throws, or nil.
    private func strictError(_ source: String, name: String = "page") throws -> TemplateError? {
        let template = try Template(source, name: name)
        do {
            _ = try template.render(order, mode: .strict)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        ("{{custmer}}", "custmer", "{{custmer}}"),
        ("{{{custmer}}}", "custmer", "{{{custmer}}}"),
        ("{{&custmer}}", "custmer", "{{&custmer}}"),
        ("{{#custmer}}x{{/custmer}}", "custmer", "{{#custmer}}"),
        ("{{^custmer}}x{{/custmer}}", "custmer", "{{^custmer}}"),
        ("{{ custmer }}", "custmer", "{{ custmer }}"),
    ])
    func everyTagKindFailsOnAMisspeltKey(source: String, name: String, tag: String) throws {
        let error = try strictError("<p>\n  " + source + "\n</p>")
        #expect(error == TemplateError(.unresolvedName(name, tag: tag), template: "page", line: 2, column: 3))
        #expect(error?.description == "page:2:3: \(tag): nothing in the context is named '\(name)'")
    }

    @Test func theSameTagsRenderEmptyWhenLenient() throws {
        let source = "[{{custmer}}{{{custmer}}}{{&custmer}}{{#custmer}}x{{/custmer}}{{^custmer}}y{{/custmer}}]"
        #expect(try Template(source).render(order) == "[y]")
        #expect(try Template(source).render(order, mode: .lenient) == "[y]")
    }

    @Test func aNilOptionalThatIsPresentResolves() throws {
        let source = "[{{discount}}{{{discount}}}{{&discount}}{{#discount}}d{{/discount}}{{^discount}}none{{/discount}}]"
        #expect(try Template(source).render(order, mode: .strict) == "[none]")
    }

    @Test func aDottedNameThroughANilOptionalResolvesToNothing() throws {
        let source = "[{{referrer.name}}{{#referrer.name}}r{{/referrer.name}}{{^referrer.name}}none{{/referrer.name}}]"
        #expect(try Template(source).render(order, mode: .strict) == "[none]")
    }

    @Test func dottedNamesFailOnTheirFirstOrLaterKey() throws {
        #expect(try Template("{{customer.name}}").render(order, mode: .strict) == "Ada")
        #expect(try strictError("{{customer.nmae}}") == TemplateError(
            .unresolvedName("customer.nmae", tag: "{{customer.nmae}}"), template: "page", line: 1, column: 1))
        #expect(try strictError("x {{#custmer.name}}{{/custmer.name}}") == TemplateError(
            .unresolvedName("custmer.name", tag: "{{#custmer.name}}"), template: "page", line: 1, column: 3))
    }

    @Test func nestedSectionsFallBackToOuterContexts() throws {
        let source = "{{#lines}}{{label}} for {{customer.name}}{{#note}} ({{.}}){{/note}}; {{/lines}}"
        #expect(try Template(source).render(order, mode: .strict) == "Tokens for Ada; Fee for Ada (monthly); ")
        let error = try strictError("{{#lines}}\n{{label}}\n{{lable}}\n{{/lines}}")
        #expect(error == TemplateError(.unresolvedName("lable", tag: "{{lable}}"), template: "page", line: 3, column: 1))
    }

    @Test func aValueWithOpenKeysResolvesEveryLaterKey() throws {
        struct Messages: TemplateValue {
            let byField: [String: String]
            func templateValue(forKey key: String) -> (any TemplateValue)? { byField[key] }
            var templateKeysAreOpen: Bool { true }
        }
        let data: [String: Messages] = ["errors": Messages(byField: ["email": "Enter an email."])]
        let source = "[{{errors.email}}|{{errors.name}}{{#errors.name}}!{{/errors.name}}]"
        #expect(try Template(source).render(data, mode: .strict) == "[Enter an email.|]")
        // Only the keys after a dot: a first key must still be found on the stack.
        #expect(throws: TemplateError.self) { try Template("{{#errors}}{{name}}{{/errors}}").render(data, mode: .strict) }
    }

    @Test func implicitIteratorAndLiteralValuesRenderAsUsual() throws {
        #expect(try Template("{{#.}}<{{.}}>{{/.}}").render(["a", "b"], mode: .strict) == "<a><b>")
        #expect(try Template("{{.}}").render(Optional<String>.none, mode: .strict) == "")
    }

    @Test func dataTreesTellNullFromMissing() throws {
        let data: TemplateData = .object(["a": .null, "b": .object(["c": .string("x")])])
        #expect(try Template("[{{a}}{{a.z}}{{b.c}}{{^a}}null{{/a}}]").render(data, mode: .strict) == "[xnull]")
        #expect(throws: TemplateError.self) { try Template("{{b.z}}").render(data, mode: .strict) }
        #expect(throws: TemplateError.self) { try Template("{{z}}").render(data, mode: .strict) }
    }

    @Test func partialsAndBlocksBehaveAsUsualAndErrorsNameTheirOwnFile() throws {
        let library = try TemplateLibrary(
            templates: [
                "layout": "<h1>{{$title}}Default{{/title}}</h1>\n{{>row}}\n{{>*missing}}",
                "row": "{{customer.name}}\n{{customer.nmae}}",
                "page": "{{<layout}}{{$title}}{{custmer}}{{/title}}{{/layout}}",
                "plain": "{{<layout}}{{/layout}}",
            ],
            options: .init(renderMode: .strict))
        // The block override is the page's own text, so the page is named.
        #expect(throws: TemplateError(.unresolvedName("custmer", tag: "{{custmer}}"), template: "page", line: 1, column: 22)) {
            try library.render(order, template: "page")
        }
        // The partial's tag is in the partial. A dynamic partial name that resolves to nothing
        // renders as empty, as it always does.
        #expect(throws: TemplateError(.unresolvedName("customer.nmae", tag: "{{customer.nmae}}"), template: "row", line: 2, column: 1)) {
            try library.render(order, template: "plain")
        }
    }

    @Test func aLenientLibraryRendersMissingNamesEmpty() throws {
        let library = try TemplateLibrary(templates: ["page": "[{{custmer}}]"])
        #expect(try library.render(order, template: "page") == "[]")
    }

    @Test func reportingRendersLikeLenientAndReportsEachTag() throws {
        let reported = Mutex<[TemplateError]>([])
        let library = try TemplateLibrary(
            templates: ["page": "{{#lines}}[{{lable}}]{{/lines}}{{^custmer}}!{{/custmer}}{{customer.name}}"],
            options: .init(renderMode: .reporting { error in reported.withLock { $0.append(error) } }))
        #expect(try library.render(order, template: "page") == "[][]!Ada")
        let errors = reported.withLock { $0 }
        #expect(errors == [
            TemplateError(.unresolvedName("lable", tag: "{{lable}}"), template: "page", line: 1, column: 12),
            TemplateError(.unresolvedName("lable", tag: "{{lable}}"), template: "page", line: 1, column: 12),
            TemplateError(.unresolvedName("custmer", tag: "{{^custmer}}"), template: "page", line: 1, column: 32),
        ])
    }

    @Test func aKeyTableAnswersItsKeysOnly() {
        #expect(order.templateValue(forKey: "discount") != nil)
        #expect(order.templateValue(forKey: "discount")?.templateIsTruthy == false)
        #expect(order.templateValue(forKey: "hasDiscount")?.templateIsTruthy == false)
        #expect(order.templateValue(forKey: "discont") == nil)
    }

    @Test func aHandWrittenLookupThatReturnsNilForANilOptionalIsAMissingKey() throws {
        // Why key tables return `any TemplateValue`: `case "x": x` with `x: String?` turns a nil
        // value into "no such key", which strict mode reports.
        struct Bare: TemplateValue {
            let x: String?
            func templateValue(forKey key: String) -> (any TemplateValue)? {
                switch key {
                case "x": x
                default: nil
                }
            }
        }
        #expect(try Template("[{{x}}]").render(Bare(x: "a"), mode: .strict) == "[a]")
        #expect(throws: TemplateError.self) { try Template("[{{x}}]").render(Bare(x: nil), mode: .strict) }
    }
}
