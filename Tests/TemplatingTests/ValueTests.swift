import Templating
import Testing

/// A typed view model, the way Tally's pages pass data.
private struct InvoiceView: TemplateValue {
    struct Line: TemplateValue {
        let label: String
        let amount: Int64
        func templateValue(forKey key: String) -> (any TemplateValue)? {
            switch key {
            case "label": label
            case "amount": amount
            default: nil
            }
        }
    }

    let customer: String
    let lines: [Line]
    let discount: Double?
    let paid: Bool

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "customer": customer
        case "lines": lines
        case "discount": discount
        case "paid": paid
        default: nil
        }
    }
}

@Suite struct ValueTests {
    private let template = """
        {{customer}}
        {{#lines}}
        - {{label}}: {{amount}} ({{customer}})
        {{/lines}}
        {{#discount}}discount {{.}}{{/discount}}{{^discount}}no discount{{/discount}}
        {{^paid}}unpaid{{/paid}}
        """

    @Test func typedViewModelRendersWithContextStackLookup() throws {
        let view = InvoiceView(
            customer: "Smith & Co", lines: [.init(label: "Tokens", amount: 12), .init(label: "Fee", amount: 3)],
            discount: 0.5, paid: false)
        let output = try Template(template).render(view)
        #expect(output == """
            Smith &amp; Co
            - Tokens: 12 (Smith &amp; Co)
            - Fee: 3 (Smith &amp; Co)
            discount 0.5
            unpaid
            """)
    }

    @Test func nilOptionalIsFalsyAndEmptyListRendersNothing() throws {
        let view = InvoiceView(customer: "A", lines: [], discount: nil, paid: true)
        #expect(try Template(template).render(view) == "A\nno discount\n")
    }

    @Test func scalarConformances() throws {
        let values: [String: TemplateData] = ["i": .int(-42), "d": .double(2.5), "t": .bool(true), "n": .null]
        #expect(try Template("{{i}} {{d}} {{t}} [{{n}}]").render(values) == "-42 2.5 true []")
        #expect(try Template("{{.}}").render(Int64.max) == "9223372036854775807")
        #expect(try Template("{{#.}}<{{.}}>{{/.}}").render([1, 2, 3]) == "<1><2><3>")
        #expect(try Template("{{#.}}yes{{/.}}{{^.}}no{{/.}}").render(false) == "no")
        #expect(try Template("{{a.b}}").render(["a": ["b": "nested"]]) == "nested")
        #expect(try Template("[{{x}}]").render(Optional<String>.none) == "[]")
    }

    @Test func lambdasAreSwiftClosures() throws {
        let data: TemplateData = .object([
            "bold": .lambda(TemplateLambda { text in "<b>" + text + "</b>" }),
            "name": .string("Ada"),
        ])
        #expect(try Template("{{#bold}}Hi {{name}}{{/bold}}").render(data) == "<b>Hi Ada</b>")
    }

    @Test func customValueWritesItsOwnText() throws {
        struct Money: TemplateValue {
            let cents: Int
            func writeTemplateText(to output: inout TemplateOutput, escaped: Bool) {
                output.write("$\(cents / 100).\(cents % 100 < 10 ? "0" : "")\(cents % 100)", escaped: escaped)
            }
        }
        #expect(try Template("{{.}}").render(Money(cents: 1205)) == "$12.05")
    }

    @Test func templateIsReusableAcrossTasks() async throws {
        let template = try Template("{{.}}")
        let outputs = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<8 { group.addTask { try template.render(index) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outputs.sorted() == (0..<8).map(String.init))
    }
}
