/// Which environment variable names hold secrets: never passed to code autodev did not write,
/// and their values scrubbed from everything that leaves the machine or lands in a log.
enum SecretNames {
    static let suffixes = ["_KEY", "_TOKEN", "_SECRET", "_PASSWORD", "_PASSWD", "_PASS", "_PAT", "_CREDENTIALS", "_CREDENTIAL",
                           "_AUTH", "_COOKIE", "_SESSION"]
    static let fragments = ["SECRET", "TOKEN", "PASSWORD", "PASSWD", "CREDENTIAL", "APIKEY", "API_KEY", "PRIVATE_KEY", "ACCESS_KEY"]

    /// Whether the name says it holds a secret (`OPENAI_API_KEY`, `AWS_SECRET_ACCESS_KEY`,
    /// `GITHUB_TOKEN`, `DB_PASSWORD`, …), in any case.
    public static func isSecret(_ name: String) -> Bool {
        let upper = name.uppercased()
        return suffixes.contains { upper.hasSuffix($0) } || fragments.contains { upper.contains($0) }
    }
}
