import Testing
import TallyCrypto

@Suite("Hex and base64url")
struct EncodingTests {
    @Test func hexRoundTrip() {
        let bytes: [UInt8] = [0x00, 0x01, 0x7F, 0x80, 0xAB, 0xFF]
        #expect(Hex.encode(bytes) == "00017f80abff")
        #expect(Hex.decode("00017f80abff") == bytes)
        #expect(Hex.decode("00017F80ABFF") == bytes)
        #expect(Hex.decode("") == [])
    }

    @Test(arguments: ["0", "abc", "zz", "0g", " 00", "0x00"])
    func hexRejectsInvalidInput(input: String) {
        #expect(Hex.decode(input) == nil)
    }

    @Test func base64URLKnownValues() {
        #expect(Base64URL.encode([0xFB, 0xFF, 0xFE]) == "-__-")
        #expect(Base64URL.encode(Array("f".utf8)) == "Zg")
        #expect(Base64URL.encode(Array("fo".utf8)) == "Zm8")
        #expect(Base64URL.encode(Array("foo".utf8)) == "Zm9v")
        #expect(Base64URL.encode([UInt8]()) == "")
        #expect(Base64URL.decode("-__-") == [0xFB, 0xFF, 0xFE])
        #expect(Base64URL.decode("Zm8") == Array("fo".utf8))
        #expect(Base64URL.decode("") == [])
    }

    @Test func base64URLRoundTripsRandomBytes() {
        for length in 0..<40 {
            let bytes = SecureRandom.bytes(count: length)
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
    }

    @Test(arguments: ["Zg==", "+/8", "a", "Zm9v!", "Zm 9v"])
    func base64URLRejectsInvalidInput(input: String) {
        #expect(Base64URL.decode(input) == nil)
    }
}
