import Testing
import TallyCrypto

@Suite("Secure randomness and constant-time comparison")
struct RandomAndCompareTests {
    @Test(arguments: [0, 1, 16, 32, 1000])
    func randomBytesHaveTheRequestedLength(count: Int) {
        #expect(SecureRandom.bytes(count: count).count == count)
    }

    @Test func randomBytesAreDistinct() {
        let samples = (0..<100).map { _ in SecureRandom.bytes(count: 32) }
        #expect(Set(samples).count == 100)
    }

    @Test func tokensAreURLSafeAndDistinct() {
        let tokens = (0..<100).map { _ in SecureRandom.token(bytes: 32) }
        #expect(Set(tokens).count == 100)
        for token in tokens {
            #expect(token.count == 43)
            #expect(token.utf8.allSatisfy { byte in
                (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            })
            #expect(Base64URL.decode(token)?.count == 32)
        }
        #expect(SecureRandom.hexToken(bytes: 16).count == 32)
    }

    @Test func constantTimeEqualsTruthTable() {
        #expect(ConstantTime.equals([UInt8](), [UInt8]()))
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([0, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(!ConstantTime.equals([1, 2], [1, 2, 3]))
        #expect(!ConstantTime.equals([], [0]))
        #expect(!ConstantTime.equals([0], []))
        #expect(ConstantTime.equals("token", "token"))
        #expect(!ConstantTime.equals("token", "Token"))
    }

    @Test func constantTimeEqualsDoesNotNormaliseUnicode() {
        let composed = "\u{E9}"  // é as one code point
        let decomposed = "e\u{301}"  // e + combining acute accent
        #expect(composed == decomposed)  // Swift's String == is canonical equivalence…
        #expect(!ConstantTime.equals(composed, decomposed))  // …bytes are not.
    }
}
