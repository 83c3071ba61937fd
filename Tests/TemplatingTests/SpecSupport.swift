import Foundation
import Synchronization
import Templating

/// One file of the Mustache spec.
struct SpecFile: Decodable {
    let tests: [SpecCase]
}

/// One case of the Mustache spec.
struct SpecCase: Decodable {
    let name: String
    let data: JSONData
    let template: String
    let partials: [String: String]?
    let expected: String
}

/// Spec JSON decoded into a ``TemplateData`` tree (booleans stay booleans, integers integers).
struct JSONData: Decodable {
    let value: TemplateData

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            value = .null
        } else if let bool = try? container.decode(Bool.self) {
            value = .bool(bool)
        } else if let int = try? container.decode(Int.self) {
            value = .int(int)
        } else if let double = try? container.decode(Double.self) {
            value = .double(double)
        } else if let string = try? container.decode(String.self) {
            value = .string(string)
        } else if let list = try? container.decode([JSONData].self) {
            value = .list(list.map(\.value))
        } else {
            value = .object(try container.decode([String: JSONData].self).mapValues(\.value))
        }
    }
}

/// Where the spec lives: `$MUSTACHE_SPEC_DIR`, else `../shared/mustache-spec` next to the package.
enum SpecLocation {
    /// The files this test expects (the spec's v1.4 set, optional modules included).
    static let expectedFiles = [
        "comments.json", "delimiters.json", "interpolation.json", "inverted.json", "partials.json",
        "sections.json", "~dynamic-names.json", "~inheritance.json", "~lambdas.json",
    ]

    static var directory: URL {
        if let path = ProcessInfo.processInfo.environment["MUSTACHE_SPEC_DIR"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/mustache-spec")
    }
}

/// Counts calls, for the spec's "Multiple Calls" lambda.
final class CallCounter: Sendable {
    private let calls = Mutex(0)

    func next() -> String {
        calls.withLock { calls in
            calls += 1
            return String(calls)
        }
    }
}

/// The spec's lambdas (given there as Ruby/JS source), as Swift closures keyed by case name.
enum SpecLambdas {
    static func lambda(for caseName: String) -> TemplateLambda? {
        switch caseName {
        case "Interpolation": TemplateLambda { _ in "world" }
        case "Interpolation - Expansion": TemplateLambda { _ in "{{planet}}" }
        case "Interpolation - Alternate Delimiters": TemplateLambda { _ in "|planet| => {{planet}}" }
        case "Interpolation - Multiple Calls":
            { () -> TemplateLambda in
                let counter = CallCounter()
                return TemplateLambda { _ in counter.next() }
            }()
        case "Escaping": TemplateLambda { _ in ">" }
        case "Section": TemplateLambda { text in text == "{{x}}" ? "yes" : "no" }
        case "Section - Expansion": TemplateLambda { text in text + "{{planet}}" + text }
        case "Section - Alternate Delimiters": TemplateLambda { text in text + "{{planet}} => |planet|" + text }
        case "Section - Multiple Calls": TemplateLambda { text in "__" + text + "__" }
        // The JS returns false; a lambda is truthy, so the inverted section never calls it.
        case "Inverted Section": TemplateLambda { _ in "" }
        default: nil
        }
    }

    /// The case's data with its `lambda` entry replaced by the Swift closure.
    static func data(for specCase: SpecCase) -> TemplateData {
        guard case .object(var fields) = specCase.data.value, fields["lambda"] != nil,
            let lambda = lambda(for: specCase.name)
        else { return specCase.data.value }
        fields["lambda"] = .lambda(lambda)
        return .object(fields)
    }
}
