internal import AutodevGit

/// What tiers 3 and 4 compare: the exact key of a question, the gate within which questions
/// are compared for similarity, and the subject an answer is adapted from.
enum ReuseKey {
    /// Raised when the prompt's layout or the answer format changes in a way the system prompt's
    /// text (also in the key) does not show.
    public static let promptFormatVersion = 2

    /// SHA-256 over a canonical form of the request for one item asked alone: provider (kind,
    /// endpoint or command), model, parameters, the prompt format version and the system
    /// prompt, the configuration's fingerprint, the normalized requirement or failure, and the
    /// blob id of every file the prompt builder read for it (linked files, the feature's documents, files found by name or identifier,
    /// the files the repository map scanned), with the list of paths the map shows. The same
    /// question about a changed codebase is another question.
    public static func exact(_ item: PromptBuilder.Item, source: any PromptSource, provider: ProviderConfig, maxContextTokens: Int,
                             configFingerprint: String, formatVersion: Int = promptFormatVersion,
                             secrets: SecretGuard = SecretGuard()) throws(AutodevError) -> String {
        let recording = KeyReadsSource(source)
        _ = try PromptBuilder(source: recording, secrets: secrets, provider: provider, maxContextTokens: maxContextTokens, batchSize: 1).build([item])
        var text = "autodev-answer-key-v1\nformat \(formatVersion)\n"
        text += "system \(SHA256.hex(PromptBuilder.system(for: provider.editFormat)))\n"
        text += "provider \(provider.kind.rawValue) \(provider.baseURL) \(provider.command ?? "")\nmodel \(provider.model)\n"
        text += "parameters temperature=\(provider.temperature) max_output_tokens=\(provider.maxOutputTokens) context_tokens=\(provider.contextTokens)"
        text += " edit_format=\(provider.editFormat.rawValue) max_context_tokens=\(maxContextTokens)\n"
        text += "config \(configFingerprint)\n"
        let work = item.work
        text += "work \(work.action.rawValue)\npath \(work.path)\ndetail \(normalized(work.detail))\n"
        if let requirement = work.requirement {
            text += "requirement \(requirement.key) \(requirement.spec) \(requirement.format.rawValue)\n"
            text += "title \(normalized(requirement.title))\ntext \(normalized(requirement.text))\n"
            for criterion in requirement.criteria { text += "criterion \(normalized(criterion))\n" }
        }
        text += "links \(work.links.joined(separator: " "))\ntargets \(item.targets.joined(separator: " "))\n"
        text += "failure \(normalized(item.failure ?? ""))\n"
        text += "paths \(SHA256.hex(source.paths().joined(separator: "\n")))\n"
        for path in recording.read.sorted() { text += "file \(path) \(source.blobID(path) ?? "-")\n" }
        return SHA256.hex(text)
    }

    /// Whitespace runs as one space, trimmed: a rewrapped requirement is the same question.
    static func normalized(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
    }

    /// Tier 4 compares only work of the same kind (action), language (the extensions of its
    /// linked files) and layout (the spec format and the folder holding the spec folders), under
    /// the same configuration.
    public static func gate(_ work: WorkItem, configFingerprint: String) -> String {
        let languages = Set(work.links.compactMap { path -> String? in
            guard let name = path.split(separator: "/").last, let dot = name.lastIndex(of: ".") else { return nil }
            return String(name[name.index(after: dot)...])
        }).sorted().joined(separator: ",")
        var layout = "-"
        if let requirement = work.requirement {
            let folder = RepositoryMap.folder(of: requirement.spec)
            let parent = folder.split(separator: "/").dropLast().joined(separator: "/")
            layout = "\(requirement.format.rawValue) \(parent)"
        }
        return "\(work.action.rawValue)|\(languages.isEmpty ? "-" : languages)|\(layout)|\(configFingerprint.prefix(16))"
    }

    /// The subject of a requirement's work (nil for work without a requirement: tier 4 does
    /// not serve it).
    public static func subject(_ work: WorkItem) -> ReuseSubject? {
        guard let requirement = work.requirement else { return nil }
        let text = ([requirement.title, requirement.text] + requirement.criteria).joined(separator: "\n")
        return ReuseSubject(key: requirement.key, slug: requirement.slug, folder: RepositoryMap.folder(of: requirement.spec),
                            words: Similarity.words(text))
    }
}

/// Remembers which paths a prompt builder read.
final class KeyReadsSource: PromptSource {
    let inner: any PromptSource
    private(set) var read: Set<String> = []

    init(_ inner: any PromptSource) { self.inner = inner }

    func paths() -> [String] { inner.paths() }

    func read(_ path: String) -> [UInt8]? {
        read.insert(path)
        return inner.read(path)
    }

    /// Forwarded, so the inner source's memo serves every key of a run: the prompt builder
    /// scans the project's symbols to find where identifiers are defined.
    func memoized(_ path: String, _ compute: ([UInt8]) -> [String]) -> [String]? {
        read.insert(path)
        return inner.memoized(path, compute)
    }

    /// The inner source's index, so no key depends on whether it was already computed: a
    /// file the lookup finds is read for the prompt, and that read is recorded.
    func definitions(secrets: SecretGuard) -> [String: [String]] { inner.definitions(secrets: secrets) }

    func blobID(_ path: String) -> String? { inner.blobID(path) }
}
