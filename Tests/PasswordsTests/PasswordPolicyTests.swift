import Passwords
import Testing

@Suite("PasswordPolicy")
struct PasswordPolicyTests {
    let policy = PasswordPolicy.standard

    @Test func lengthBoundsAreEightToOneHundredTwentyEightCharacters() {
        #expect(policy.violation(for: "Zq8#mV2") == .tooShort(minimum: 8))
        #expect(policy.violation(for: "Zq8#mV2p") == nil)
        #expect(policy.violation(for: String(repeating: "Zq8#", count: 32)) == nil)
        #expect(policy.violation(for: String(repeating: "Zq8#", count: 32) + "x") == .tooLong(maximum: 128))
        #expect(policy.violation(for: "") == .tooShort(minimum: 8))
    }

    @Test func lengthCountsCharactersNotBytes() {
        // 8 characters, 32 bytes: accepted.
        #expect(policy.violation(for: "🔑🔑🔑🔑🔑🔑🔑🔑") == nil)
        // 7 characters of which one is e + combining accent: still 7.
        #expect(policy.violation(for: "cafe\u{301}xyz") == .tooShort(minimum: 8))
        // 128 emoji: 512 bytes, accepted.
        #expect(policy.violation(for: String(repeating: "🔑", count: 128)) == nil)
        #expect(policy.violation(for: String(repeating: "🔑", count: 129)) == .tooLong(maximum: 128))
    }

    @Test(arguments: ["password", "PASSWORD", "PassWord", "baseball", "Iloveyou", "QWERTYUIOP", "trustno1"])
    func commonPasswordsAreRefusedCaseInsensitively(password: String) {
        #expect(policy.violation(for: password) == .common)
        #expect(throws: PasswordViolation.common) { try policy.validate(password) }
    }

    @Test func noCompositionRules() throws {
        try policy.validate("purple elephant umbrella")
        try policy.validate("93847261958372")
    }

    @Test func bundledListHasAtLeastThreeThousandEntriesAndNoComments() {
        #expect(CommonPasswords.bundled.count >= 3000)
        #expect(!CommonPasswords.bundled.contains { $0.hasPrefix("#") || $0.isEmpty })
        #expect(CommonPasswords.bundled.allSatisfy { $0 == $0.lowercased() })
    }

    @Test func listParserSkipsCommentsAndBlankLinesAndLowercases() {
        let parsed = CommonPasswords.parse("# header\n\nHunter2Hunter\r\nletmein!!\n#another\n")
        #expect(parsed == ["hunter2hunter", "letmein!!"])
    }

    @Test func customPolicyLowercasesItsList() {
        let custom = PasswordPolicy(minimumLength: 4, maximumLength: 10, commonPasswords: ["TallyRocks"])
        #expect(custom.violation(for: "tallyrocks") == .common)
        #expect(custom.violation(for: "abc") == .tooShort(minimum: 4))
    }

    @Test func messagesAreForPeople() {
        #expect(PasswordViolation.tooShort(minimum: 8).message == "Use at least 8 characters.")
        #expect(PasswordViolation.tooLong(maximum: 128).message == "Use at most 128 characters.")
        #expect(PasswordViolation.common.message.contains("too common"))
    }
}
