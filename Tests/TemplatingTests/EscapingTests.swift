import TallyTestSupport
import Templating
import Testing

@Suite struct EscapingTests {
    /// A random string mixing ASCII (dense in the five special characters) and any Unicode scalar.
    private func randomString(_ random: inout SeededGenerator) -> String {
        let specials: [Character] = ["&", "<", ">", "\"", "'", ";", "#", "a", " ", "\n"]
        var text = ""
        for _ in 0..<Int.random(in: 0...40, using: &random) {
            if Bool.random(using: &random) {
                text.append(specials.randomElement(using: &random) ?? "a")
            } else if let scalar = Unicode.Scalar(UInt32.random(in: 0...0x10FFFF, using: &random)) {
                text.unicodeScalars.append(scalar)
            }
        }
        return text
    }

    private static let entities: [(bytes: [UInt8], character: UInt8)] = [
        (Array("&amp;".utf8), UInt8(ascii: "&")), (Array("&lt;".utf8), UInt8(ascii: "<")),
        (Array("&gt;".utf8), UInt8(ascii: ">")), (Array("&quot;".utf8), UInt8(ascii: "\"")),
        (Array("&#39;".utf8), UInt8(ascii: "'")),
    ]

    /// Reverses the five entities over UTF-8 bytes (grapheme clusters could hide a `;`);
    /// nil when the output has a raw special character or a `&` that starts no entity.
    private func unescape(_ html: String) -> String? {
        let bytes = Array(html.utf8)
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if "<>\"'".utf8.contains(byte) { return nil }
            if byte == UInt8(ascii: "&") {
                guard let entity = Self.entities.first(where: { bytes[index...].starts(with: $0.bytes) }) else {
                    return nil
                }
                result.append(entity.character)
                index += entity.bytes.count
            } else {
                result.append(byte)
                index += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    @Test func escapedOutputHasNoRawSpecialsAndRoundTrips() throws {
        let template = try Template("{{value}}")
        var random = SeededGenerator(seed: 0x7A11)
        for _ in 0..<2_000 {
            let input = randomString(&random)
            let output = try template.render(["value": input])
            // nil means a raw `< > " '` or a bare `&` outside an entity.
            #expect(unescape(output) == input, "input \(input.debugDescription) gave \(output.debugDescription)")
        }
    }

    @Test func apostropheIsEscapedAsNumericEntity() throws {
        let output = try Template("{{v}}|{{{v}}}|{{&v}}").render(["v": "O'Brien & <\"Co\">"])
        #expect(output == "O&#39;Brien &amp; &lt;&quot;Co&quot;&gt;|O'Brien & <\"Co\">|O'Brien & <\"Co\">")
    }

    @Test func templateTextIsNeverEscaped() throws {
        #expect(try Template("<a href='x'>&amp;</a>").render(TemplateData.null) == "<a href='x'>&amp;</a>")
    }
}
