internal import Synchronization

/// Keeps secrets on the machine: files that hold them are never read into a prompt, and
/// provider-specific secret patterns in any text sent are replaced by `[REDACTED <kind>]`.
///
/// The rules follow gitleaks' provider-prefixed rules (`config/gitleaks.toml`), written as one
/// byte scan instead of regular expressions: a prompt of 100 KB is scanned in well under a
/// millisecond per KB. Generic "high entropy" values assigned to names like `password` or
/// `token` are reported (line and name), never rewritten: in ordinary code they are mostly
/// identifiers (the research note measured 12 of 12 false positives).
struct SecretGuard: Sendable {
    /// Files never read into a prompt. A pattern without `/` matches the file name at any depth;
    /// names are compared lower-cased.
    public static let pathGlobs: [String] = [
        ".env", ".env.*", "*.env", ".envrc",
        "*.pem", "*.key", "*.p8", "*.p12", "*.pfx", "*.jks", "*.keystore", "*.truststore", "*.ppk", "*.keytab",
        "*.kdbx", "*.asc", "*.gpg", "*.pgp",
        "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*", "**/.ssh/**",
        "credentials*.json", "credentials", "**/.aws/credentials", "**/.aws/config", "service-account*.json",
        "client_secret*.json", "**/.docker/config.json", ".dockercfg",
        ".npmrc", ".yarnrc.yml", ".netrc", "_netrc", ".pypirc", ".pgpass", ".my.cnf", ".git-credentials", ".gitcookies",
        ".s3cfg", ".vault-token", ".htpasswd", ".terraformrc", "terraform.rc",
        "*.tfvars", "*.tfvars.json", "*.tfstate", "*.tfstate.*",
        "secrets.yml", "secrets.yaml", "secrets.json", "*.secret", "*.secrets",
    ]

    private let globs: [Glob]
    /// The values autodev itself holds (provider keys): replaced in every form, whatever their
    /// shape (`SecretValues`).
    public let known: SecretValues

    public init(known: SecretValues = .none) {
        globs = Self.pathGlobs.compactMap { try? Glob($0) }
        self.known = known
    }

    /// The verdicts this guard (and its copies) already reached, by path: every prompt of a run
    /// ranks the whole tree's paths, and matching each against the globs again for every prompt
    /// was two thirds of a stress-test run's CPU (50 model items over 1,000 paths, debug build).
    /// Kept as long as the guard, which a run makes for itself.
    private let verdicts = PathVerdicts()

    /// Whether `path` (repository-relative) names a file that must never be read into a prompt.
    public func isSecretPath(_ path: String) -> Bool {
        verdicts.verdict(path) {
            let lowered = path.lowercased()
            return globs.contains { $0.matches(lowered) }
        }
    }

    /// How many paths were matched against the globs (once per path and guard).
    var pathsMatched: Int { verdicts.matched }

    /// Path verdicts shared by a guard's copies, behind a lock: prompts may be built on several
    /// threads.
    final class PathVerdicts: Sendable {
        private let state = Mutex<(verdicts: [String: Bool], matched: Int)>(([:], 0))

        func verdict(_ path: String, _ compute: () -> Bool) -> Bool {
            if let known = state.withLock({ $0.verdicts[path] }) { return known }
            let verdict = compute()
            state.withLock {
                $0.verdicts[path] = verdict
                $0.matched += 1
            }
            return verdict
        }

        var matched: Int { state.withLock { $0.matched } }
    }

    /// `text` with every secret replaced, the count per kind, and the suspected generic secrets.
    public func redact(_ text: String) -> Redaction {
        let (text, knownCount) = known.scrub(text)
        var counts: [SecretKind: Int] = knownCount > 0 ? [.knownValue: knownCount] : [:]
        var scanner = SecretScanner(bytes: Array(text.utf8))
        scanner.run()
        guard !scanner.matches.isEmpty else {
            return Redaction(text: text, counts: counts, suspects: scanner.suspects)
        }
        var out: [UInt8] = []
        out.reserveCapacity(scanner.bytes.count)
        var copied = 0
        for match in scanner.matches {
            out += scanner.bytes[copied..<match.start]
            out += "[REDACTED \(match.kind.rawValue)]".utf8
            copied = match.end
            counts[match.kind, default: 0] += 1
        }
        out += scanner.bytes[copied...]
        return Redaction(text: String(decoding: out, as: UTF8.self), counts: counts, suspects: scanner.suspects)
    }
}

/// The kinds of secret that are redacted; the raw value is the name in `[REDACTED <kind>]` and
/// in the decision log.
enum SecretKind: String, Sendable, Codable, CaseIterable, Comparable {
    case awsAccessKey = "aws-access-key"
    case awsSecretKey = "aws-secret-key"
    case githubToken = "github-token"
    case gitlabToken = "gitlab-token"
    case openaiKey = "openai-key"
    case anthropicKey = "anthropic-key"
    case slackToken = "slack-token"
    case slackWebhook = "slack-webhook"
    case stripeKey = "stripe-key"
    case googleAPIKey = "google-api-key"
    case npmToken = "npm-token"
    case privateKey = "private-key"
    case jwt
    /// A value autodev holds itself (a provider's key), in any form (`SecretValues`).
    case knownValue = "known-secret"

    public static func < (lhs: SecretKind, rhs: SecretKind) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What redaction did to one text.
struct Redaction: Sendable, Equatable {
    public var text: String
    public var counts: [SecretKind: Int]
    /// Values that look like secrets but match no provider's pattern: reported, not rewritten.
    public var suspects: [SuspectedSecret]

    public var total: Int { counts.values.reduce(0, +) }
}

/// A high-entropy value assigned to a secret-sounding name (`password = "…"`).
struct SuspectedSecret: Sendable, Equatable, Codable {
    /// 1-based line in the text scanned.
    public var line: Int
    /// The name it was assigned to, as written (`DB_PASSWORD`).
    public var name: String
}
