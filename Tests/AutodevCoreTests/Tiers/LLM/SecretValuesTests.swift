@testable import AutodevCore
import Foundation
import Testing

/// Known secret values are found in the forms code that read one could print them in; the
/// oracle for each form is Foundation's own encoder, not the code under test.
@Suite struct SecretValuesTests {
    static let key = "sk-" + "live-" + "R2d2C3poBb8Yoda77Luke0Leia"
    let values = SecretValues(values: [Self.key])

    /// Whether no run of `minimumMatch` characters of `form` is left in the scrubbed text.
    func hidden(_ form: String, in text: String) -> Bool {
        let scrubbed = values.scrub(text).text
        let bytes = Array(form.utf8)
        let window = SecretValues.minimumMatch
        guard bytes.count >= window else { return !scrubbed.contains(form) }
        for start in 0...(bytes.count - window) where scrubbed.contains(String(decoding: bytes[start..<(start + window)], as: UTF8.self)) {
            return false
        }
        return true
    }

    @Test(arguments: 0..<6)
    func base64AtEveryAlignmentAndInBothAlphabetsIsScrubbed(before: Int) {
        for after in 0..<4 {
            let data = Data(repeating: 0x41, count: before) + Data(Self.key.utf8) + Data(repeating: 0x7A, count: after)
            let standard = data.base64EncodedString()
            let urlSafe = standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            // The characters that depend on the key alone: without the first and last 4.
            for encoded in [standard, urlSafe] {
                let core = String(encoded.dropFirst(4).dropLast(4))
                #expect(hidden(core, in: "output: \(encoded) end"), "offset \(before)+\(after): \(encoded) → \(values.scrub(encoded).text)")
            }
        }
    }

    @Test func hexInBothCasesAndURLEncodingAreScrubbed() {
        let hex = Self.key.utf8.map { String(format: "%02x", $0) }.joined()
        let percent = Self.key.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        for form in [hex, hex.uppercased(), percent, "key=\(Self.key)&x=1"] {
            #expect(hidden(form, in: "GET /x?\(form) HTTP/1.1"), "\(form)")
        }
        let redacted = values.scrub("a \(Self.key) b").text
        #expect(redacted == "a [REDACTED known-secret] b")
    }

    @Test func aValueCutShortIsScrubbedDownToSixteenCharacters() {
        let cut = String(Self.key.prefix(19))
        #expect(!values.scrub("title … \(cut)").text.contains(cut))
        let shorter = String(Self.key.prefix(12))
        #expect(values.scrub("starts \(shorter) only").text.contains(shorter), "12 characters of a key are not taken for the key")
    }

    @Test func shortValuesAreNotTreatedAsSecrets() {
        let short = SecretValues(values: ["k", "wrong", "1234567"])
        #expect(short.needles.isEmpty)
        #expect(short.scrub("k wrong 1234567").count == 0)
    }

    @Test func providerKeysAndSecretNamedVariablesAreKnownOthersAreNot() throws {
        let config = try ConfigLoader.load(text: """
            [[llm.providers]]
            name = "p"
            kind = "openai"
            base_url = "http://x/v1"
            model = "m"
            api_key_env = "LLM_CRED"
            """, file: "config/autodev.toml", environment: [:])
        let known = SecretValues(providers: config.providers,
                                 environment: ["LLM_CRED": "value-of-the-provider-key", "GITHUB_TOKEN": "ghp-value-of-a-token",
                                               "PATH": "/usr/local/bin:/usr/bin:/bin", "SSH_KEY": "/usr/local/bin"])
        #expect(known.count == 2, "a path is no secret, whatever its variable is called")
        #expect(known.occurs(in: "x value-of-the-provider-key y") && known.occurs(in: "ghp-value-of-a-token"))
        #expect(!known.occurs(in: "/usr/local/bin:/usr/bin:/bin"))
    }

    @Test func theGuardCountsKnownValuesAndStillAppliesThePatterns() {
        let guarded = SecretGuard(known: values)
        let aws = "AKIA" + "IOSFODNN7EXAMPLE"
        let redaction = guarded.redact("one \(Self.key) two \(aws)")
        #expect(redaction.counts[.knownValue] == 1 && redaction.counts[.awsAccessKey] == 1, "\(redaction)")
        #expect(!redaction.text.contains(Self.key) && !redaction.text.contains(aws))
    }

    @Test func aTitleIsRedactedBeforeItIsCut() {
        let key = "sk-" + "proj-" + String(repeating: "Ab3x", count: 12)
        let title = String(repeating: "x", count: 101) + " " + key
        let cut = SecretGuard.cut(title, to: 120)
        #expect(cut.count <= 120)
        #expect(!cut.contains(String(key.prefix(12))), "\(cut)")
    }
}
