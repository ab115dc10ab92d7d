import Foundation
import SonghotiCore
import Testing

@Suite struct PasswordPolicyTests {
    let policy = PasswordPolicy(commonPasswords: PasswordPolicy.parseList("""
        # test list
        password

        qwerty
        Bangladesh
        iloveyou\r
        """))

    @Test func parseListSkipsCommentsAndBlankLinesAndLowercases() {
        let list = PasswordPolicy.parseList("# heading\n\nPassword\r\n  dhaka  \n#not-a-password\nallah\n")
        #expect(list == ["password", "dhaka", "allah"])
    }

    @Test func strongPassphraseIsAccepted() {
        #expect(policy.problems(in: "correct horse battery staple", accountName: "rahima@example.org").isEmpty)
        #expect(policy.problems(in: "tin roof, 4 rivers", accountName: nil).isEmpty)
    }

    @Test func shortPasswordIsRefused() {
        #expect(policy.problems(in: "tin roof 4", accountName: nil) == [.tooShort(minimum: 12)])
        #expect(policy.problems(in: "tin roof 4 u", accountName: nil).isEmpty)
    }

    @Test func lengthIsCountedInCharactersNotBytes() {
        // 12 Bangla letters: 36 UTF-8 bytes, but 12 characters as the person sees them.
        let bangla = "কখগঘঙচছজঝঞটঠ"
        #expect(bangla.utf8.count == 36)
        #expect(policy.problems(in: bangla, accountName: nil).isEmpty)
        #expect(policy.problems(in: String(bangla.dropLast()), accountName: nil) == [.tooShort(minimum: 12)])
        // An emoji family is one character, however many bytes.
        #expect(policy.problems(in: "tin roof 4👨‍👩‍👧", accountName: nil) == [.tooShort(minimum: 12)])
    }

    @Test func longerThanBcryptsLimitIsRefusedNotTruncated() {
        let ascii72 = String(repeating: "correct horse battery staple ", count: 3).prefix(72)
        #expect(ascii72.utf8.count == 72)
        #expect(policy.problems(in: String(ascii72), accountName: nil).isEmpty)
        #expect(policy.problems(in: String(ascii72) + "x", accountName: nil) == [.tooLong(maximumBytes: 72)])

        // 24 Bangla letters are 72 bytes; one more makes 75 although only 25 characters.
        let bangla24 = "কখগঘঙচছজঝঞটঠডঢণতথদধনপফবভ"
        #expect(bangla24.count == 24 && bangla24.utf8.count == 72)
        #expect(policy.problems(in: bangla24, accountName: nil).isEmpty)
        #expect(policy.problems(in: bangla24 + "ম", accountName: nil) == [.tooLong(maximumBytes: 72)])
    }

    @Test(arguments: ["password", "Password123!", "PASSWORD2024", "password1234567", "QWERTY!!!!!!",
                      "Bangladesh1971!", "iloveyou1234", "Password 123 !"])
    func commonPasswordsAreRefusedEvenWithDecoration(_ password: String) {
        #expect(policy.problems(in: password, accountName: nil).contains(.common))
    }

    @Test(arguments: ["my password is long", "passwordless future", "123password456abc", "qwerty keyboard love"])
    func commonWordsInsideLongerPassphrasesAreAllowed(_ password: String) {
        #expect(!policy.problems(in: password, accountName: nil).contains(.common))
    }

    @Test func commonListIsCaseInsensitive() {
        let mixedCase = PasswordPolicy(commonPasswords: ["SuperSecret"])
        #expect(mixedCase.problems(in: "supersecret2024", accountName: nil) == [.common])
    }

    @Test func passwordContainingTheEmailLocalPartIsRefused() {
        #expect(policy.problems(in: "Rahima.Begum-2024!", accountName: "rahima.begum@example.org")
            == [.containsAccountName])
        #expect(policy.problems(in: "hello KARIM blue sky", accountName: "Karim@example.org")
            == [.containsAccountName])
        // The domain is not part of the check.
        #expect(policy.problems(in: "example org rocks", accountName: "rahima@example.org").isEmpty)
        // Without "@", the whole name is the local part.
        #expect(policy.problems(in: "my name is shapla!", accountName: "shapla") == [.containsAccountName])
    }

    @Test func shortLocalPartsAndMissingAccountAreNotChecked() {
        #expect(policy.problems(in: "abc is a fine start", accountName: "abc@example.org").isEmpty)
        #expect(policy.problems(in: "rahima loves tea", accountName: nil).isEmpty)
    }

    @Test(arguments: ["aaaaaaaaaaaa", "abababababab", "abcabcabcabc", "abcdabcdabcd", "abcdefghijkl",
                      "ABCDEFGHIJKLMNOP", "123456789012", "987654321098", "lkjihgfedcba", "qwertyuiopas",
                      "xyzabcdefghi", "!!!!!!!!!!!!", "            "])
    func repetitivePasswordsAreRefused(_ password: String) {
        #expect(policy.problems(in: password, accountName: nil).contains(.repetitive))
    }

    @Test func allProblemsAreReported() {
        #expect(policy.problems(in: "qwerty", accountName: "qwerty@example.org")
            == [.tooShort(minimum: 12), .common, .containsAccountName, .repetitive])
        #expect(policy.problems(in: "aaaa", accountName: nil) == [.tooShort(minimum: 12), .repetitive])
    }

    @Test func shippedListParsesAndCatchesKnownPasswords() throws {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Resources/common-passwords.txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        let list = PasswordPolicy.parseList(text)
        #expect(list.count >= 500)
        for expected in ["123456", "password", "qwerty", "iloveyou", "bangladesh", "dhaka", "allah", "786786"] {
            #expect(list.contains(expected), "missing \(expected)")
        }
        let entries = text.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("#") }
        #expect(entries.allSatisfy { $0 == $0.lowercased() && $0 == $0.trimmingCharacters(in: .whitespaces) })

        let shipped = PasswordPolicy(commonPasswords: list)
        #expect(shipped.problems(in: "Bangladesh1971!", accountName: nil) == [.common])
        #expect(shipped.problems(in: "Dhaka12345678", accountName: nil) == [.common])
        #expect(shipped.problems(in: "Password123!", accountName: nil) == [.common])
        #expect(shipped.problems(in: "correct horse battery staple", accountName: nil).isEmpty)
    }
}
