@testable import AutodevCore
import Testing

/// Fake secrets are put together at run time, so this file holds no string a secret scanner
/// would flag.
enum FakeSecrets {
    static func mixed(_ count: Int, seed: Int = 7) -> String {
        let alphabet = Array("aB3cD4eF5gH6jK7mN8pQ9rS2tU")
        return String((0..<count).map { alphabet[($0 * 7 + seed) % alphabet.count] })
    }

    static func upper(_ count: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        return String((0..<count).map { alphabet[($0 * 5 + 3) % alphabet.count] })
    }

    static let awsAccessKey = "AK" + "IA" + upper(16)
    static let awsSecretKey = mixed(38) + "/+"
    static let github = "gh" + "p_" + mixed(36)
    static let githubFineGrained = "github" + "_pat_" + mixed(22) + "_" + mixed(59)
    static let gitlab = "gl" + "pat-" + mixed(20)
    static let openai = "sk" + "-proj-" + mixed(48)
    static let anthropic = "sk" + "-ant-api03-" + mixed(90) + "AA"
    static let slackToken = "xo" + "xb-" + "1234567890-" + mixed(24)
    static let slackWebhook = "https://hooks" + ".slack.com/services/T" + upper(8) + "/B" + upper(8) + "/" + mixed(24)
    static let stripe = "sk" + "_live_" + mixed(24)
    static let stripeRestricted = "rk" + "_live_" + mixed(24)
    static let google = "AI" + "za" + mixed(35)
    static let npm = "np" + "m_" + mixed(36)
    static let jwt = "ey" + "J" + mixed(30) + ".ey" + "J" + mixed(40) + "." + mixed(43)
    static let privateKey = "-----BEGIN " + "RSA PRIVATE KEY-----\n" + mixed(64) + "\n" + mixed(64) + "\n-----END " + "RSA PRIVATE KEY-----"
}

@Suite struct SecretGuardTests {
    let guardian = SecretGuard()

    @Test("each kind of secret is replaced by [REDACTED kind], and the text around it is kept", arguments: [
        (FakeSecrets.awsAccessKey, SecretKind.awsAccessKey),
        (FakeSecrets.github, .githubToken),
        (FakeSecrets.githubFineGrained, .githubToken),
        (FakeSecrets.gitlab, .gitlabToken),
        (FakeSecrets.openai, .openaiKey),
        ("sk" + "-" + FakeSecrets.mixed(48), .openaiKey),
        (FakeSecrets.anthropic, .anthropicKey),
        (FakeSecrets.slackToken, .slackToken),
        (FakeSecrets.slackWebhook, .slackWebhook),
        (FakeSecrets.stripe, .stripeKey),
        (FakeSecrets.stripeRestricted, .stripeKey),
        (FakeSecrets.google, .googleAPIKey),
        (FakeSecrets.npm, .npmToken),
        (FakeSecrets.jwt, .jwt),
        (FakeSecrets.privateKey, .privateKey),
    ])
    func redactsKind(_ secret: String, _ kind: SecretKind) {
        let text = "let before = 1\nclient.configure(key: \"\(secret)\") // set\nlet after = 2\n"
        let redaction = guardian.redact(text)
        #expect(redaction.text == "let before = 1\nclient.configure(key: \"[REDACTED \(kind.rawValue)]\") // set\nlet after = 2\n")
        #expect(redaction.counts == [kind: 1])
    }

    @Test("an AWS secret access key is redacted where the line names it")
    func awsSecretInContext() {
        let text = "[default]\naws_access_key_id = \(FakeSecrets.awsAccessKey)\naws_secret_access_key = \(FakeSecrets.awsSecretKey)\n"
        let redaction = guardian.redact(text)
        #expect(redaction.text == "[default]\naws_access_key_id = [REDACTED aws-access-key]\naws_secret_access_key = [REDACTED aws-secret-key]\n")
        #expect(redaction.counts == [.awsAccessKey: 1, .awsSecretKey: 1])
        // The same 40 characters without the context are not taken for a key.
        let plain = "checksum = \(FakeSecrets.awsSecretKey)\n"
        #expect(guardian.redact(plain).text == plain)
    }

    @Test("several secrets are all counted")
    func counts() {
        let text = [FakeSecrets.github, FakeSecrets.github, FakeSecrets.openai, FakeSecrets.jwt].joined(separator: "\n")
        let redaction = guardian.redact(text)
        #expect(redaction.counts == [.githubToken: 2, .openaiKey: 1, .jwt: 1])
        #expect(redaction.total == 4)
        #expect(redaction.text == "[REDACTED github-token]\n[REDACTED github-token]\n[REDACTED openai-key]\n[REDACTED jwt]")
    }

    @Test("ordinary code, near misses included, is left exactly as it is")
    func nothingElseChanges() {
        let text = """
            import Foundation
            // The "sk-" prefix, a CSS class and a slug: not keys.
            let spinner = "sk-spinner-large-rounded-corners-xx"
            let slug = "sk-\(String(repeating: "a", count: 40))"
            let short = "gh" + "p_abc"
            let notAws = "AKIA-IS-A-PREFIX"
            let header = "eyJhbGciOiJIUzI1NiJ9"  // one part only
            let digest = "\(FakeSecrets.mixed(40))"
            let tokenizer = Tokenizer(vocabulary: words)
            let password = ProcessInfo.processInfo.environment["DB_PASSWORD"]
            func retainHTTPMethodAndBodyOn301() -> Bool { proxyAuthorization != nil }
            -----BEGIN CERTIFICATE-----
            MIIB\(FakeSecrets.mixed(20))
            -----END CERTIFICATE-----
            Ünïcödé ✓ — stays
            """
        let redaction = guardian.redact(text)
        #expect(redaction.text == text)
        #expect(redaction.counts.isEmpty)
        #expect(redaction.suspects.isEmpty)
    }

    @Test("a generic high-entropy value assigned to a secret name is reported with its line, not rewritten")
    func genericSuspects() {
        let value = "Xk9#mQ2$vL8pR4nT"
        let text = "host = \"db\"\nDB_PASSWORD = \"\(value)\"\nlet apiToken: String = \"\(FakeSecrets.mixed(24))\"\nsecret = os.environ[\"SECRET\"]\n"
        let redaction = guardian.redact(text)
        #expect(redaction.text == text)
        #expect(redaction.counts.isEmpty)
        #expect(redaction.suspects == [SuspectedSecret(line: 2, name: "DB_PASSWORD"), SuspectedSecret(line: 3, name: "apiToken")])
    }

    @Test("a private-key block cut before its end is redacted to the end of the text")
    func cutPrivateKey() {
        let text = "key:\n-----BEGIN " + "OPENSSH PRIVATE KEY-----\n" + FakeSecrets.mixed(70) + "\n" + FakeSecrets.mixed(30)
        #expect(guardian.redact(text).text == "key:\n[REDACTED private-key]")
    }

    @Test("files that hold secrets are refused by name, at any depth", arguments: [
        ".env", "app/.env", ".env.production", ".env.example", "deploy/prod.env", "certs/server.pem", "tls/server.key",
        "id_rsa", "home/.ssh/id_ed25519", "home/.ssh/known_hosts", "keys/app.p12", "a.pfx", "android/release.jks",
        "release.keystore", "credentials.json", "gcp/credentials-prod.json", ".aws/credentials", ".npmrc", ".netrc",
        ".pypirc", ".git-credentials", "infra/prod.tfvars", "terraform.tfstate", "config/secrets.yml", "Secrets.JSON",
        ".docker/config.json", "ID_RSA.pub",
    ])
    func secretPaths(_ path: String) {
        #expect(guardian.isSecretPath(path))
    }

    @Test("ordinary files are not refused", arguments: [
        "src/environment.swift", "src/keys.swift", "docs/credentials.md", "monkey.py", "config/autodev.toml", "config.json",
        "src/env.py", "README.md", "keyboard.c", "src/rsa_parser.go", "tests/test_env.py", "docker/config.json.md",
    ])
    func ordinaryPaths(_ path: String) {
        #expect(!guardian.isSecretPath(path))
    }

    @Test("a guard matches each path against the patterns once, however many prompts rank the tree")
    func pathVerdictsAreKept() {
        var files: [String: String] = [".env.py": "TOKEN = 1\n", "README.md": "readme\n", "keys/app.py": "def key(): pass\n"]
        for index in 0..<300 { files["src/module_\(index).py"] = "def work_\(index)(): pass\n" }
        let source = MemorySource(files)
        let kept = SecretGuard()
        for round in 0..<20 {
            var relevance = RepositoryMap.Relevance()
            relevance.words = ["work", "\(round)"]
            let entries = RepositoryMap.entries(source: source, relevance: relevance, secrets: kept)
            // The same ranking a fresh guard gives: the verdicts kept are the verdicts.
            #expect(entries == RepositoryMap.entries(source: source, relevance: relevance, secrets: SecretGuard()))
            #expect(!entries.contains { $0.path == ".env.py" } && entries.contains { $0.path == "keys/app.py" })
        }
        // The 302 source files, once each: not 20 rankings x 302.
        #expect(kept.pathsMatched == 302)
        #expect(kept.isSecretPath(".env.py") && !kept.isSecretPath("keys/app.py"))
        #expect(kept.pathsMatched == 302)
    }

    @Test("every secret path pattern is a valid glob")
    func globsCompile() throws {
        for pattern in SecretGuard.pathGlobs { _ = try Glob(pattern) }
    }
}
