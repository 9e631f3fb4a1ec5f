/// One `PromptBuilder.build` call: gathers the pieces, shares the budget among them, renders.
struct PromptAssembly {
    enum Group: Int, CaseIterable {
        case items, documents, map

        /// Shares of what the fixed parts leave; what a group does not need goes to the next.
        var share: Double {
            switch self {
            case .items: 0.6
            case .documents: 0.25
            case .map: 0.15
            }
        }
    }

    /// A file (or failure text) the prompt may hold, trimmed to `allowed` tokens.
    struct Piece {
        var group: Group
        var item: Int
        var title: String
        var content: String
        var kind: TokenEstimator.Kind
        var language: String
        var allowed = 0
    }

    let builder: PromptBuilder
    let items: [PromptBuilder.Item]
    private var redactions: [SecretKind: Int] = [:]
    private var suspects: [PromptSuspect] = []
    private var refused: [String] = []
    private var trimmed: [ContextTrim] = []
    private var estimator: TokenEstimator { builder.estimator }

    init(builder: PromptBuilder, items: [PromptBuilder.Item]) {
        self.builder = builder
        self.items = items
    }

    private static let trimMarker = "[… trimmed to fit the context budget: 99999 KB → 99999 KB]\n"

    mutating func build() throws(AutodevError) -> BuiltPrompt {
        let budget = builder.budget
        let system = redact(PromptBuilder.system(for: builder.provider.editFormat), place: "system prompt")
        let batch = items.count > 1

        // Fixed text: the work section's heads and notes.
        var heads: [String] = []
        var notes: [[String]] = Array(repeating: [], count: items.count)
        var pieces: [Piece] = []
        var shownIn: [String: String] = [:]
        for (index, item) in items.enumerated() {
            let work = item.work
            let place = work.requirement.map { "requirement \($0.key)" } ?? "work \(work.id)"
            heads.append(redact(head(item, batch: batch), place: place))
            for path in filePaths(item) {
                if let earlier = shownIn[path] {
                    notes[index].append("\(path): shown above, under work \(earlier)")
                } else if builder.secrets.isSecretPath(path) {
                    if !refused.contains(path) { refused.append(path) }
                    notes[index].append("\(path): not shown, it holds secrets")
                } else if let bytes = builder.source.read(path) {
                    shownIn[path] = work.id
                    if Self.isBinary(bytes) {
                        notes[index].append("\(path): binary, not shown")
                    } else {
                        pieces.append(Piece(group: .items, item: index, title: path, content: redact(String(decoding: bytes, as: UTF8.self), place: path),
                                            kind: TokenEstimator.Kind.of(path: path), language: Self.language(path)))
                    }
                } else {
                    notes[index].append("\(path): does not exist yet")
                }
            }
            if let failure = item.failure, !failure.isEmpty {
                pieces.append(Piece(group: .items, item: index, title: "failure", content: redact(failure, place: "failure of \(work.id)"),
                                    kind: .code, language: "text"))
            }
        }
        for path in contextDocuments(excluding: Set(shownIn.keys)) {
            guard let bytes = builder.source.read(path), !Self.isBinary(bytes) else { continue }
            pieces.append(Piece(group: .documents, item: -1, title: path, content: redact(String(decoding: bytes, as: UTF8.self), place: path),
                                kind: TokenEstimator.Kind.of(path: path), language: Self.language(path)))
        }
        let entries = RepositoryMap.entries(source: builder.source, relevance: relevance(), secrets: builder.secrets)
        let mapLines = entries.map { redact($0.line, place: "repository map") + "\n" }

        // Share the budget.
        var fixed = estimator.tokens(system, kind: .prose)
        fixed += estimator.tokens(frame(heads: heads, notes: notes, batch: batch), kind: .prose)
        for piece in pieces { fixed += estimator.tokens(wrapper(piece, fence: "````"), kind: .prose) }
        fixed += estimator.tokens(Self.mapHeading + Self.documentsHeading, kind: .prose)
        // Parts are estimated one by one and each rounds up: a token per piece and a few more
        // keep the sum of what is emitted within the budget.
        let room = budget - fixed - 2 * pieces.count - 8
        guard room >= 0 else {
            throw AutodevError(.invalidConfig,
                               "the work itself (\(items.map(\.work.id).joined(separator: ", "))) needs about \(fixed) tokens, over the context budget of \(budget): raise loop.llm_optimization.max_context_tokens or the provider's context_tokens, or lower loop.llm_optimization.batch_size",
                               exitStatus: .config, key: "loop.llm_optimization.max_context_tokens")
        }
        let markerCost = estimator.tokens(Self.trimMarker, kind: .prose)
        var needs: [Group: Int] = [:]
        for piece in pieces { needs[piece.group, default: 0] += estimator.tokens(piece.content, kind: piece.kind) + markerCost }
        needs[.map] = mapLines.reduce(0) { $0 + estimator.tokens($1, kind: .code) }
        let grants = Self.share(room, needs: needs)
        for group in [Group.items, .documents] {
            let indices = pieces.indices.filter { pieces[$0].group == group }
            let fair = Self.waterfill(indices.map { estimator.tokens(pieces[$0].content, kind: pieces[$0].kind) + markerCost }, grants[group] ?? 0)
            for (offset, index) in indices.enumerated() { pieces[index].allowed = fair[offset] }
        }

        // Render, stable part first.
        var prompt = ""
        let counter = estimator
        var tokens = counter.tokens(system, kind: .prose)
        func emit(_ text: String, _ kind: TokenEstimator.Kind) {
            prompt += text
            tokens += counter.tokens(text, kind: kind)
        }
        let map = renderMap(entries: entries, lines: mapLines, grant: grants[.map] ?? 0)
        if !map.isEmpty {
            emit(Self.mapHeading, .prose)
            emit(map, .code)
        }
        let documents = pieces.filter { $0.group == .documents }
        if !documents.isEmpty {
            emit(Self.documentsHeading, .prose)
            for piece in documents { render(piece, emit) }
        }
        emit(workIntro(batch: batch), .prose)
        for (index, head) in heads.enumerated() {
            emit("\n" + head, .prose)
            let files = pieces.filter { $0.group == .items && $0.item == index && $0.title != "failure" }
            if !files.isEmpty || !notes[index].isEmpty {
                emit("\n### Current files\n", .prose)
                for note in notes[index] { emit("- \(note)\n", .prose) }
                for piece in files { render(piece, emit) }
            }
            emit(closing(items[index]), .prose)
            for piece in pieces where piece.group == .items && piece.item == index && piece.title == "failure" { render(piece, emit) }
        }
        emit("\nAnswer in the answer format of the system message.\n", .prose)

        // Everything emitted goes through redaction once more (the parts already were).
        let final = builder.secrets.redact(prompt)
        for (kind, count) in final.counts { redactions[kind, default: 0] += count }
        return BuiltPrompt(request: LLMRequest(system: system, prompt: final.text, maxOutputTokens: builder.provider.maxOutputTokens,
                                               temperature: builder.provider.temperature),
                           work: items.map(\.work.id), estimatedTokens: tokens, budget: budget, redactions: redactions,
                           suspects: suspects, trimmed: trimmed, refused: refused)
    }

    // MARK: Pieces

    private static let mapHeading = "# Repository map\n\nSource files with their top-level symbols.\n\n"
    private static let documentsHeading = "\n# Context documents\n"

    private mutating func render(_ piece: Piece, _ emit: (String, TokenEstimator.Kind) -> Void) {
        let original = piece.content.utf8.count
        var content = piece.content
        var marker = ""
        let full = estimator.tokens(content, kind: piece.kind)
        let markerCost = estimator.tokens(Self.trimMarker, kind: .prose)
        if full > piece.allowed {
            let keep = Self.cut(content, bytes: estimator.bytes(forTokens: max(0, piece.allowed - markerCost), kind: piece.kind))
            content = keep
            let kept = keep.utf8.count
            trimmed.append(ContextTrim(what: piece.title, originalBytes: original, keptBytes: kept))
            marker = kept == 0
                ? "[left out to fit the context budget: \(ContextTrim.size(original))]\n"
                : "[… trimmed to fit the context budget: \(ContextTrim.size(original)) → \(ContextTrim.size(kept))]\n"
        }
        if !content.isEmpty, !content.hasSuffix("\n") { content += "\n" }
        let fence = Self.fence(for: content)
        let parts = wrapper(piece, fence: fence).split(separator: "\u{0}", omittingEmptySubsequences: false)
        emit(String(parts[0]), .prose)
        emit(content, piece.kind)
        emit(String(parts[1]), .prose)
        if !marker.isEmpty { emit(marker, .prose) }
    }

    /// A piece's frame, with NUL where the content goes.
    private func wrapper(_ piece: Piece, fence: String) -> String {
        let title = piece.title == "failure" ? "\n### Failure to fix\n\n" : "\n\(piece.title)\n"
        return title + fence + piece.language + "\n\u{0}" + fence + "\n"
    }

    private mutating func renderMap(entries: [RepositoryMap.Entry], lines: [String], grant: Int) -> String {
        var used = 0
        var chosen: [(path: String, line: String)] = []
        for (entry, line) in zip(entries, lines) {
            let cost = estimator.tokens(line, kind: .code)
            if used + cost > grant { break }
            used += cost
            chosen.append((entry.path, line))
        }
        if chosen.count < entries.count {
            let all = lines.reduce(0) { $0 + $1.utf8.count }
            let kept = chosen.reduce(0) { $0 + $1.line.utf8.count }
            trimmed.append(ContextTrim(what: "repository map", originalBytes: all, keptBytes: kept,
                                       description: "repository map \(entries.count) → \(chosen.count) files"))
        }
        return chosen.sorted { $0.path < $1.path }.map(\.line).joined()
    }

    private func frame(heads: [String], notes: [[String]], batch: Bool) -> String {
        var text = workIntro(batch: batch)
        for (index, head) in heads.enumerated() {
            text += "\n" + head + "\n### Current files\n"
            for note in notes[index] { text += "- \(note)\n" }
            text += closing(items[index])
        }
        return text + "\nAnswer in the answer format of the system message.\n"
    }

    // MARK: Work text

    private func workIntro(batch: Bool) -> String {
        guard batch else { return "\n# Work\n" }
        return "\n# Work\n\nThis request holds \(items.count) work items. Answer each in its own part, starting the part with its line `=== WORK <id> ===` as given below.\n"
    }

    private func head(_ item: PromptBuilder.Item, batch: Bool) -> String {
        let work = item.work
        var lines = ["## Work \(work.id)"]
        if batch { lines.append("Start your answer's part for this item with the line `\(AnswerFormat.workMarker(work.id))`.") }
        switch work.action {
        case .newImplementation: lines.append("Implement this requirement.")
        case .updateImplementation: lines.append("The requirement's text changed: update its implementation to match the new text.")
        case .retireImplementation: lines.append("This requirement was removed: change the code that implements it so it no longer does.")
        case .implementToPassTest: lines.append("Write the code that makes the test `\(work.detail)` in `\(work.path)` pass. Do not weaken the test.")
        case .fixFailingTest: lines.append("The test `\(work.detail)` in `\(work.path)` fails: fix the code so that it passes.")
        default: lines.append(work.reason)
        }
        if let requirement = work.requirement {
            lines.append("")
            lines.append("Requirement \(requirement.key): \(requirement.title) (\(requirement.spec))")
            if !requirement.text.isEmpty, requirement.text != requirement.title { lines.append(requirement.text) }
            // A task's one "criterion" is often its own text: said once is enough.
            let criteria = requirement.criteria.filter { $0 != requirement.title && $0 != requirement.text }
            if !criteria.isEmpty {
                lines.append("")
                lines.append("Acceptance criteria:")
                lines += criteria.map { "- " + $0 }
            }
        }
        if !work.links.isEmpty { lines.append("\nLinked paths: " + work.links.joined(separator: ", ")) }
        return lines.joined(separator: "\n") + "\n"
    }

    private func closing(_ item: PromptBuilder.Item) -> String {
        switch item.work.action {
        case .implementToPassTest: "\n### Test to make pass\n\n`\(item.work.detail)` in `\(item.work.path)` (its file is under Current files).\n"
        case .fixFailingTest: "\n### Test to fix\n\n`\(item.work.detail)` in `\(item.work.path)`: \(item.work.reason)\n"
        default: ""
        }
    }

    /// The item's files: the test file for test work, then links, then targets; each once.
    private func filePaths(_ item: PromptBuilder.Item) -> [String] {
        var paths: [String] = []
        if item.work.action == .implementToPassTest || item.work.action == .fixFailingTest { paths.append(item.work.path) }
        paths += item.work.links + item.targets
        var seen: Set<String> = []
        return paths.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    /// The spec folders' context documents, in a fixed order.
    private func contextDocuments(excluding shown: Set<String>) -> [String] {
        let folders = Set(items.compactMap { $0.work.requirement.map { RepositoryMap.folder(of: $0.spec) } }).sorted()
        let all = builder.source.paths()
        var documents: [String] = []
        for folder in folders {
            let prefix = folder.isEmpty ? "" : folder + "/"
            var names = ["plan.md", "design.md", "proposal.md", "data-model.md", "research.md"].map { prefix + $0 }
            names += all.filter { $0.hasPrefix(prefix + "contracts/") }
            names.append(prefix + "quickstart.md")
            documents += names.filter { all.contains($0) && !shown.contains($0) && !builder.secrets.isSecretPath($0) && !documents.contains($0) }
        }
        return documents
    }

    private func relevance() -> RepositoryMap.Relevance {
        var relevance = RepositoryMap.Relevance()
        for item in items {
            for path in filePaths(item) {
                relevance.linked.insert(path)
                relevance.folders.insert(RepositoryMap.folder(of: path))
            }
            var text = item.work.detail
            if let requirement = item.work.requirement {
                relevance.folders.insert(RepositoryMap.folder(of: requirement.spec))
                text += " " + requirement.title + " " + requirement.text + " " + requirement.criteria.joined(separator: " ")
            }
            relevance.words.formUnion(RepositoryMap.words(in: text))
        }
        return relevance
    }

    // MARK: Helpers

    private mutating func redact(_ text: String, place: String) -> String {
        let result = builder.secrets.redact(text)
        for (kind, count) in result.counts { redactions[kind, default: 0] += count }
        suspects += result.suspects.map { PromptSuspect(place: place, line: $0.line, name: $0.name) }
        return result.text
    }

    /// At most `bytes` of `text`, cut after a line.
    static func cut(_ text: String, bytes: Int) -> String {
        let utf8 = Array(text.utf8)
        guard utf8.count > bytes else { return text }
        guard bytes > 0, let newline = utf8[..<bytes].lastIndex(of: 10) else { return "" }
        return String(decoding: utf8[...newline], as: UTF8.self)
    }

    /// A backtick fence longer than any run of backticks in the content.
    static func fence(for content: String) -> String {
        var longest = 0, run = 0
        for byte in content.utf8 {
            run = byte == UInt8(ascii: "`") ? run + 1 : 0
            longest = max(longest, run)
        }
        return String(repeating: "`", count: max(3, longest + 1))
    }

    static func isBinary(_ bytes: [UInt8]) -> Bool { bytes.prefix(8000).contains(0) }

    static func language(_ path: String) -> String {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return "" }
        let ext = path[path.index(after: dot)...].lowercased()
        let names = ["py": "python", "js": "javascript", "ts": "typescript", "rs": "rust", "kt": "kotlin", "md": "markdown",
                     "yml": "yaml", "h": "c", "hpp": "cpp", "cc": "cpp", "sh": "sh"]
        return names[ext] ?? ext
    }

    /// Grants per group: each its share of `room` up to its need, then what is left over to
    /// the groups that need more, in order.
    static func share(_ room: Int, needs: [Group: Int]) -> [Group: Int] {
        var grants: [Group: Int] = [:]
        var left = room
        for group in Group.allCases {
            let grant = min(needs[group] ?? 0, Int(Double(room) * group.share))
            grants[group] = grant
            left -= grant
        }
        for group in Group.allCases where left > 0 {
            let more = min(left, (needs[group] ?? 0) - (grants[group] ?? 0))
            grants[group, default: 0] += more
            left -= more
        }
        return grants
    }

    /// Max-min fair shares of `capacity` for these needs: small needs are met in full, the
    /// rest split what remains equally.
    static func waterfill(_ needs: [Int], _ capacity: Int) -> [Int] {
        var grants = Array(repeating: 0, count: needs.count)
        var left = capacity
        var open = needs.indices.sorted { needs[$0] != needs[$1] ? needs[$0] < needs[$1] : $0 < $1 }[...]
        while let first = open.first {
            let fair = left / open.count
            if needs[first] <= fair {
                grants[first] = needs[first]
                left -= needs[first]
                open = open.dropFirst()
            } else {
                for index in open { grants[index] = fair }
                break
            }
        }
        return grants
    }
}
