/// One `PromptBuilder.build` call: gathers the pieces, spends the budget on them by relevance,
/// renders.
///
/// Budget by rank, never in equal slices: each piece (a file, or a Markdown section of a
/// document) is kept whole in rank order while it fits — the files the work touches, then
/// interfaces and contracts, then the spec's body, then the head of the repository map, then
/// files the other documents name and their prose, then the rest of the map. What does not fit is cut whole, lowest rank first, and
/// reported; only a file of the work itself (a link, a target, the test, the failure) is cut at
/// a line when it alone is over the budget, and in search-replace mode it is then shown as an
/// exact prefix and said so.
struct PromptAssembly {
    /// How a piece ranks for the budget; lower is kept first.
    enum Rank: Int, Comparable {
        /// The item's test file, links, targets and failure.
        case work
        /// Files the requirement's own text names.
        case named
        /// Files that define the identifiers the work mentions, or are named after them.
        case found
        /// Files the feature's tasks name: the files its steps change.
        case mentioned
        /// Contracts, and document sections with signatures or API tables.
        case interface
        /// The spec's body.
        case body
        /// Files the spec, plan or other documents name in passing.
        case referenced
        /// The other documents' prose.
        case document

        static func < (a: Rank, b: Rank) -> Bool { a.rawValue < b.rawValue }
    }

    /// Where a piece is shown.
    enum Place: Equatable {
        case item(Int)
        case documents
        /// Files the feature's documents name, between the documents and the work.
        case related
    }

    /// A file, document or failure text the prompt may hold.
    struct Piece {
        var place: Place
        var title: String
        /// Why a file that no link names is shown.
        var reason: String?
        var isFailure = false
        /// A document is cut by section; a file is whole, or (work files only) cut at a line.
        var isDocument = false
        var sections: [DocumentSections.Section]
        var kind: TokenEstimator.Kind
        var language: String
        var bytes: Int { sections.reduce(0) { $0 + $1.text.utf8.count } }
    }

    /// One section of one piece, ranked.
    struct Unit {
        var piece: Int
        var section: Int
        var rank: Rank
        var tokens: Int
    }

    /// What is kept: per unit whole, or a prefix of so many bytes (work files only).
    struct Selection {
        var kept: [Bool]
        var prefix: [Int: Int] = [:]
        var mapLines = 0
    }

    struct Rendered {
        var prompt: String
        var tokens: Int
        var trimmed: [ContextTrim]
    }

    let builder: PromptBuilder
    let items: [PromptBuilder.Item]
    private var redactions: [SecretKind: Int] = [:]
    private var suspects: [PromptSuspect] = []
    private var refused: [String] = []
    private var estimator: TokenEstimator { builder.estimator }
    private var searchReplace: Bool { builder.provider.editFormat == .searchReplace }

    private var heads: [String] = []
    private var notes: [[String]] = []
    private var pieces: [Piece] = []
    private var units: [Unit] = []
    private var mapEntries: [RepositoryMap.Entry] = []
    private var mapLines: [String] = []

    /// Files named by the feature's documents shown at most: a plan's project tree names many.
    static let maxMentioned = 16

    /// Whether a document line says the file it names changes: `# EXTENDED`, `MODIFIED`,
    /// "extend validators.py", "update main.py", "add … to task.py".
    static func marksAChange(_ line: Substring) -> Bool {
        let lower = line.lowercased()
        return ["extend", "modif", "updat", "add ", "edit ", "implement"].contains { lower.contains($0) }
    }
    /// Files found by identifier per item, at most.
    static let maxFound = 6
    /// Map lines ranked with the spec's body: enough to see the project's layout.
    static let mapHead = 40

    init(builder: PromptBuilder, items: [PromptBuilder.Item]) {
        self.builder = builder
        self.items = items
    }

    mutating func build() throws(AutodevError) -> BuiltPrompt {
        let budget = builder.budget
        let system = redact(PromptBuilder.system(for: builder.provider.editFormat), place: "system prompt")
        gather()

        var selection = Selection(kept: Array(repeating: false, count: units.count))
        let base = render(selection, system: system)
        guard base.tokens <= budget else {
            throw AutodevError(.invalidConfig,
                               "the work itself (\(items.map(\.work.id).joined(separator: ", "))) needs about \(base.tokens) tokens, over the context budget of \(budget): raise loop.llm_optimization.max_context_tokens or the provider's context_tokens, or lower loop.llm_optimization.batch_size",
                               key: "loop.llm_optimization.max_context_tokens")
        }
        var left = budget - base.tokens
        let markerCost = estimator.tokens(Self.trimMarker, kind: .prose)
        func takeMap(upTo count: Int) {
            while selection.mapLines < min(count, mapLines.count) {
                let cost = estimator.tokens(mapLines[selection.mapLines], kind: .code)
                if cost > left { break }
                left -= cost
                selection.mapLines += 1
            }
        }
        for (index, unit) in units.enumerated() {
            if unit.rank > .body, selection.mapLines == 0 { takeMap(upTo: Self.mapHead) }
            if unit.tokens <= left {
                selection.kept[index] = true
                left -= unit.tokens
            } else if unit.rank == .work, left > markerCost + 16 {
                // A file of the work itself, alone over what is left: its beginning, cut at a line.
                let text = pieces[unit.piece].sections[unit.section].text
                let keep = Self.cut(text, bytes: estimator.bytes(forTokens: left - markerCost, kind: pieces[unit.piece].kind)).utf8.count
                if keep > 0 {
                    selection.kept[index] = true
                    selection.prefix[index] = keep
                    left -= estimator.tokens(bytes: keep, kind: pieces[unit.piece].kind) + markerCost
                }
            }
        }
        takeMap(upTo: mapLines.count)

        // The estimates above are per part; the render's own count decides. Over it, give back
        // the lowest-ranked part until it fits.
        var rendered = render(selection, system: system)
        while rendered.tokens > budget {
            // Give back at least the excess, lowest rank first, then render again: markers for
            // cut runs cost a little, so a few rounds at most.
            var over = rendered.tokens - budget + 8
            var order = selection.kept.indices.filter { selection.kept[$0] }.map { (unit: $0, rank: units[$0].rank.rawValue) }
            order.sort { $0.rank != $1.rank ? $0.rank > $1.rank : $0.unit > $1.unit }
            var cursor = order.startIndex
            while over > 0 {
                let nextUnitRank = cursor < order.endIndex ? order[cursor].rank : Int.min
                // The map's tail ranks last, its head just after the body.
                if selection.mapLines > 0, selection.mapLines > Self.mapHead || Rank.body.rawValue >= nextUnitRank {
                    selection.mapLines -= 1
                    over -= estimator.tokens(mapLines[selection.mapLines], kind: .code)
                    continue
                }
                guard cursor < order.endIndex else { break }
                let index = order[cursor].unit
                cursor += 1
                let unit = units[index]
                if unit.rank == .work {
                    let text = pieces[unit.piece].sections[unit.section].text
                    let now = selection.prefix[index] ?? text.utf8.count
                    let keep = Self.cut(text, bytes: now - estimator.bytes(forTokens: over + markerCost, kind: pieces[unit.piece].kind)).utf8.count
                    over -= estimator.tokens(bytes: now - keep, kind: pieces[unit.piece].kind)
                    if keep > 0 { selection.prefix[index] = keep } else { selection.kept[index] = false; selection.prefix[index] = nil }
                } else {
                    selection.kept[index] = false
                    over -= unit.tokens
                }
            }
            rendered = render(selection, system: system)
            if over > 0 { break }  // nothing left to give back: the render is `base`, which fits
        }

        // Everything emitted goes through redaction once more (the parts already were).
        let final = builder.secrets.redact(rendered.prompt)
        for (kind, count) in final.counts { redactions[kind, default: 0] += count }
        return BuiltPrompt(request: LLMRequest(system: system, prompt: final.text, maxOutputTokens: builder.provider.maxOutputTokens,
                                               temperature: builder.provider.temperature),
                           work: items.map(\.work.id), estimatedTokens: rendered.tokens, budget: budget, redactions: redactions,
                           suspects: suspects, trimmed: rendered.trimmed, refused: refused)
    }

    // MARK: Gathering

    /// Reads and redacts every piece the prompt may hold, ranks their units, ranks the map.
    private mutating func gather() {
        let batch = items.count > 1
        let paths = builder.source.paths()
        let lookup = CodeLookup(paths: paths, secrets: builder.secrets)
        notes = Array(repeating: [], count: items.count)
        var shown: [String: String] = [:]  // path → where it is shown
        var ranks: [Rank] = []  // per piece, for files

        func addFile(_ path: String, place: Place, rank: Rank, reason: String?) -> Bool {
            guard let bytes = builder.source.read(path), !Self.isBinary(bytes) else { return false }
            let text = redact(String(decoding: bytes, as: UTF8.self), place: path)
            pieces.append(Piece(place: place, title: path, reason: reason, sections: text.isEmpty ? [] : [.init(heading: "", text: text, isInterface: false)],
                                kind: TokenEstimator.Kind.of(path: path), language: Self.language(path)))
            ranks.append(rank)
            return true
        }

        // The work's own files, then each item's failure.
        for (index, item) in items.enumerated() {
            let work = item.work
            let place = work.requirement.map { "requirement \($0.key)" } ?? "work \(work.id)"
            heads.append(redact(head(item, batch: batch), place: place))
            // The change's files an earlier item showed, when they are not this item's own: one
            // line per place, not one per file. A later step of a greenfield feature listed all
            // 25 files again under each of its 7 items (~150 lines, 2,500 tokens of the budget).
            var sharedEarlier: [(place: String, paths: [String])] = []
            let own = Set(item.work.links + [item.work.path])
            for path in filePaths(item) {
                if let earlier = shown[path], !own.contains(path) {
                    if let at = sharedEarlier.firstIndex(where: { $0.place == earlier }) { sharedEarlier[at].paths.append(path) }
                    else { sharedEarlier.append((earlier, [path])) }
                } else if let earlier = shown[path] {
                    notes[index].append("\(path): shown above, under \(earlier)")
                } else if builder.secrets.isSecretPath(path) {
                    if !refused.contains(path) { refused.append(path) }
                    notes[index].append("\(path): not shown, it holds secrets")
                } else if let bytes = builder.source.read(path) {
                    shown[path] = "work \(work.id)"
                    if Self.isBinary(bytes) {
                        notes[index].append("\(path): binary, not shown")
                    } else {
                        _ = addFile(path, place: .item(index), rank: .work, reason: nil)
                    }
                } else if Self.namesAFile(path) || item.targets.contains(path) {
                    notes[index].append("\(path): does not exist yet")
                }
            }
            for (earlier, paths) in sharedEarlier {
                notes[index].append(paths.count == 1 ? "\(paths[0]): shown above, under \(earlier)"
                                                     : "the change's \(paths.count) other files: shown above, under \(earlier)")
            }
            if let failure = item.failure, !failure.isEmpty {
                pieces.append(Piece(place: .item(index), title: "failure", isFailure: true,
                                    sections: [.init(heading: "", text: redact(failure, place: "failure of \(work.id)"), isInterface: false)],
                                    kind: .code, language: "text"))
                ranks.append(.work)
            }
        }

        // The feature's documents: they are shown as documents, never as files to edit.
        let specs = items.compactMap { $0.work.requirement.map { (path: $0.spec, format: $0.format) } }
        let documents = FeatureDocuments.find(specs: specs, paths: paths, secrets: builder.secrets)
            .filter { shown[$0.path] == nil }
        let documentPaths = Set(documents.map(\.path))
        let roots = Set(specs.map { FeatureDocuments.root(of: $0.path, format: $0.format) }).filter { !$0.isEmpty }
        /// The feature's own documents (and its work-package prompts, reviews…) are not files to
        /// edit, and Markdown found by name is documentation, not code.
        func isDocument(_ path: String) -> Bool {
            documentPaths.contains(path) || TokenEstimator.Kind.of(path: path) == .prose || roots.contains { path.hasPrefix($0 + "/") }
        }
        var documentTexts: [(path: String, text: String)] = []
        var documentPieces: [Piece] = []
        var documentRoles: [FeatureDocuments.Role] = []
        for document in documents {
            guard let bytes = builder.source.read(document.path), !Self.isBinary(bytes) else { continue }
            let text = redact(String(decoding: bytes, as: UTF8.self), place: document.path)
            if text.isEmpty { continue }
            documentTexts.append((document.path, text))
            let markdown = TokenEstimator.Kind.of(path: document.path) == .prose
            documentPieces.append(Piece(place: .documents, title: document.path, isDocument: true,
                                        sections: DocumentSections(text, markdown: markdown, allInterface: document.role == .contract).sections,
                                        kind: TokenEstimator.Kind.of(path: document.path), language: Self.language(document.path)))
            documentRoles.append(document.role)
        }

        // Files the work's text names and files defining what it mentions, per item.
        var identifiers: [[String]] = []
        for (index, item) in items.enumerated() {
            var text = item.work.detail
            if let requirement = item.work.requirement {
                text += "\n" + requirement.title + "\n" + requirement.text + "\n" + requirement.criteria.joined(separator: "\n")
            }
            for found in lookup.files(namedIn: text, reason: "in the requirement") where shown[found.path] == nil && !isDocument(found.path) {
                if addFile(found.path, place: .item(index), rank: .named, reason: found.reason) { shown[found.path] = "work \(item.work.id)" }
            }
            var words = CodeLookup.identifiers(in: text)
            if item.work.action == .implementToPassTest || item.work.action == .fixFailingTest, let test = builder.source.read(item.work.path) {
                // What the test imports is what it calls.
                let imports = String(decoding: test.prefix(64 * 1024), as: UTF8.self).split(separator: "\n")
                    .filter { $0.hasPrefix("from ") || $0.hasPrefix("import ") }.joined(separator: "\n")
                words += CodeLookup.identifiers(in: imports).filter { !words.contains($0) }
            }
            identifiers.append(words)
        }
        if identifiers.contains(where: { !$0.isEmpty }) {
            let definitions = builder.source.definitions(secrets: builder.secrets)
            for (index, item) in items.enumerated() {
                var count = 0
                for found in lookup.files(defining: identifiers[index], definitions: definitions)
                    where count < Self.maxFound && shown[found.path] == nil && !isDocument(found.path) {
                    if addFile(found.path, place: .item(index), rank: .found, reason: found.reason) {
                        shown[found.path] = "work \(item.work.id)"
                        count += 1
                    }
                }
            }
        }
        var mentioned = 0
        // tasks.md names the files each step changes, and so does a line of another document
        // that marks its file as changed (a plan's tree: `validators.py  # EXTENDED: add
        // validate_task_id()`); the rest of the body and plan name files in passing.
        let tasks = documentTexts.filter { $0.path.hasSuffix("tasks.md") }
        let others = documentTexts.filter { !$0.path.hasSuffix("tasks.md") }
        let marked = others.map { document in
            (path: document.path, text: document.text.split(separator: "\n").filter(Self.marksAChange).joined(separator: "\n"), marked: true)
        }
        let ordered = tasks.map { ($0.path, $0.text, false) } + marked + others.map { ($0.path, $0.text, false) }
        for (path, text, isMarked) in ordered {
            let name = path.split(separator: "/").last.map(String.init) ?? path
            let rank: Rank = name == "tasks.md" || isMarked ? .mentioned : .referenced
            for found in lookup.files(namedIn: text, reason: isMarked ? "in \(name), marked as changing" : "in \(name)")
                where mentioned < Self.maxMentioned && shown[found.path] == nil && !isDocument(found.path) {
                if addFile(found.path, place: .related, rank: rank, reason: found.reason) {
                    shown[found.path] = "the files the documents name"
                    mentioned += 1
                }
            }
        }

        // Documents after the files, so pieces keep a stable order: items, related, documents.
        let fileCount = pieces.count
        pieces += documentPieces
        var ranked: [(unit: Unit, order: Int)] = []
        for (index, piece) in pieces.enumerated() {
            for (number, section) in piece.sections.enumerated() {
                let rank: Rank
                if index < fileCount {
                    rank = ranks[index]
                } else {
                    switch documentRoles[index - fileCount] {
                    case .contract: rank = .interface
                    case .body: rank = section.isInterface ? .interface : .body
                    case .document:
                        // tasks.md says what each step does and which files it changes: as near as the body.
                        let tasks = pieces[index].title == "tasks.md" || pieces[index].title.hasSuffix("/tasks.md")
                        rank = section.isInterface ? .interface : tasks ? .body : .document
                    }
                }
                ranked.append((Unit(piece: index, section: number, rank: rank, tokens: estimator.tokens(section.text, kind: piece.kind)), ranked.count))
            }
        }
        units = ranked.sorted { $0.unit.rank != $1.unit.rank ? $0.unit.rank < $1.unit.rank : $0.order < $1.order }.map(\.unit)

        var relevance = RepositoryMap.Relevance()
        for piece in pieces where !piece.isFailure && !piece.isDocument {
            relevance.linked.insert(piece.title)
            relevance.folders.insert(RepositoryMap.folder(of: piece.title))
        }
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
        relevance.folders.formUnion(lookup.folders(namedAfter: identifiers.flatMap { $0 }))
        mapEntries = RepositoryMap.entries(source: builder.source, relevance: relevance, secrets: builder.secrets)
        mapLines = mapEntries.map { redact($0.line, place: "repository map") + "\n" }
    }

    // MARK: Rendering

    private static let trimMarker = "[… trimmed to fit the context budget: 99999 KB → 99999 KB]\n"
    private static let mapHeading = "# Repository map\n\nSource files with their top-level symbols.\n\n"
    private static let documentsHeading = "\n# Context documents\n"
    private static let relatedHeading = "\n# Files the documents name\n\nCurrent content of existing files the spec, plan or tasks name.\n"

    /// The prompt for a selection, stable part first: map, documents, the files the documents
    /// name, then the work.
    private func render(_ selection: Selection, system: String) -> Rendered {
        var prompt = ""
        var tokens = estimator.tokens(system, kind: .prose)
        var trimmed: [ContextTrim] = []
        func emit(_ text: String, _ kind: TokenEstimator.Kind) {
            prompt += text
            tokens += estimator.tokens(text, kind: kind)
        }
        // Per piece, per section: kept bytes (nil: cut).
        var keptBytes: [[Int?]] = pieces.map { Array(repeating: nil, count: $0.sections.count) }
        for (index, unit) in units.enumerated() where selection.kept[index] {
            keptBytes[unit.piece][unit.section] = selection.prefix[index] ?? pieces[unit.piece].sections[unit.section].text.utf8.count
        }

        if selection.mapLines > 0 {
            emit(Self.mapHeading, .prose)
            emit(zip(mapEntries, mapLines).prefix(selection.mapLines).sorted { $0.0.path < $1.0.path }.map(\.1).joined(), .code)
        }
        if selection.mapLines < mapEntries.count {
            let all = mapLines.reduce(0) { $0 + $1.utf8.count }
            let kept = mapLines.prefix(selection.mapLines).reduce(0) { $0 + $1.utf8.count }
            trimmed.append(ContextTrim(what: "repository map", originalBytes: all, keptBytes: kept,
                                       description: "repository map \(mapEntries.count) → \(selection.mapLines) files"))
        }

        let documents = pieces.indices.filter { pieces[$0].place == .documents }
        if !documents.isEmpty {
            emit(Self.documentsHeading, .prose)
            for index in documents { renderDocument(index, kept: keptBytes[index], emit, &trimmed) }
        }
        let related = pieces.indices.filter { pieces[$0].place == .related }
        let relatedShown = related.filter { keptBytes[$0].allSatisfy { $0 != nil } }
        if !related.isEmpty {
            emit(Self.relatedHeading, .prose)
            for index in related { emit("- \(pieces[index].title): \(note(for: index, shown: relatedShown.contains(index), &trimmed))\n", .prose) }
            for index in relatedShown { renderFile(index, kept: keptBytes[index], emit, &trimmed) }
        }

        let batch = items.count > 1
        emit(workIntro(batch: batch), .prose)
        for (item, head) in heads.enumerated() {
            emit("\n" + head, .prose)
            let files = pieces.indices.filter { pieces[$0].place == .item(item) && !pieces[$0].isFailure }
            // Found files that did not fit are a note, not a block.
            let blocks = files.filter { pieces[$0].reason == nil || keptBytes[$0].allSatisfy { $0 != nil } }
            if !files.isEmpty || !notes[item].isEmpty {
                emit("\n### Current files\n", .prose)
                for line in notes[item] { emit("- \(line)\n", .prose) }
                for index in files where pieces[index].reason != nil {
                    emit("- \(pieces[index].title): \(note(for: index, shown: blocks.contains(index), &trimmed))\n", .prose)
                }
                for index in blocks { renderFile(index, kept: keptBytes[index], emit, &trimmed) }
            }
            emit(closing(items[item]), .prose)
            for index in pieces.indices where pieces[index].place == .item(item) && pieces[index].isFailure {
                renderFile(index, kept: keptBytes[index], emit, &trimmed)
            }
        }
        emit("\nAnswer in the answer format of the system message.\n", .prose)
        return Rendered(prompt: prompt, tokens: tokens, trimmed: trimmed)
    }

    /// Why a found file is shown, or that it did not fit (then reported as left out).
    private func note(for index: Int, shown: Bool, _ trimmed: inout [ContextTrim]) -> String {
        let piece = pieces[index]
        if shown { return (piece.reason ?? "") + ", shown below" }
        trimmed.append(ContextTrim(what: piece.title, originalBytes: piece.bytes, keptBytes: 0))
        return (piece.reason ?? "") + "; not shown (\(ContextTrim.size(piece.bytes))), over the context budget"
    }

    /// A file or failure: whole, or its beginning with a marker, or a marker alone.
    private func renderFile(_ index: Int, kept: [Int?], _ emit: (String, TokenEstimator.Kind) -> Void, _ trimmed: inout [ContextTrim]) {
        let piece = pieces[index]
        let title = piece.isFailure ? "\n### Failure to fix\n\n" : "\n\(piece.title)\n"
        let original = piece.bytes
        guard let section = piece.sections.first else {
            emit(title + "```\n```\n", .prose)
            return
        }
        let keep = kept.first ?? nil
        guard let keep else {
            emit(title, .prose)
            emit("[left out to fit the context budget: \(ContextTrim.size(original))]\n", .prose)
            trimmed.append(ContextTrim(what: piece.title, originalBytes: original, keptBytes: 0))
            return
        }
        var content = String(decoding: section.text.utf8.prefix(keep), as: UTF8.self)
        let partial = keep < section.text.utf8.count
        if !content.isEmpty, !content.hasSuffix("\n") { content += "\n" }
        let fence = Self.fence(for: content)
        emit(title + fence + piece.language + "\n", .prose)
        emit(content, piece.kind)
        emit(fence + "\n", .prose)
        if partial {
            trimmed.append(ContextTrim(what: piece.title, originalBytes: original, keptBytes: keep))
            if searchReplace, !piece.isFailure {
                let lines = section.text.utf8.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
                let shownLines = content.utf8.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
                emit("[… shown in part to fit the context budget: lines 1–\(shownLines) of \(lines) (\(ContextTrim.size(original)) → \(ContextTrim.size(keep))), exactly as they stand; a SEARCH may only copy lines shown here]\n", .prose)
            } else {
                emit("[… trimmed to fit the context budget: \(ContextTrim.size(original)) → \(ContextTrim.size(keep))]\n", .prose)
            }
        }
    }

    /// A document with its kept sections in their order; each run of cut sections is one marker
    /// naming their headings.
    private func renderDocument(_ index: Int, kept: [Int?], _ emit: (String, TokenEstimator.Kind) -> Void, _ trimmed: inout [ContextTrim]) {
        let piece = pieces[index]
        let original = piece.bytes
        guard kept.contains(where: { $0 != nil }) else {
            emit("\n\(piece.title)\n[left out to fit the context budget: \(ContextTrim.size(original))]\n", .prose)
            trimmed.append(ContextTrim(what: piece.title, originalBytes: original, keptBytes: 0))
            return
        }
        var content = ""
        var cut: [String] = []
        var run: [DocumentSections.Section] = []
        func flushRun() {
            guard !run.isEmpty else { return }
            let names = run.map { $0.heading.isEmpty ? "(opening)" : Self.short($0.heading) }
            cut += names
            let shown = names.count > 3 ? names.prefix(3).joined(separator: "; ") + "; and \(names.count - 3) more" : names.joined(separator: "; ")
            if !content.isEmpty, !content.hasSuffix("\n") { content += "\n" }
            content += "[… cut to fit the context budget: \(shown) (\(ContextTrim.size(run.reduce(0) { $0 + $1.text.utf8.count })))]\n"
            run = []
        }
        var keptTotal = 0
        for (number, section) in piece.sections.enumerated() {
            if kept[number] != nil {
                flushRun()
                content += section.text
                keptTotal += section.text.utf8.count
            } else {
                run.append(section)
            }
        }
        flushRun()
        if !content.hasSuffix("\n") { content += "\n" }
        let fence = Self.fence(for: content)
        emit("\n\(piece.title)\n" + fence + piece.language + "\n", .prose)
        emit(content, piece.kind)
        emit(fence + "\n", .prose)
        if !cut.isEmpty {
            let names = cut.count > 6 ? cut.prefix(6).joined(separator: "; ") + "; …" : cut.joined(separator: "; ")
            trimmed.append(ContextTrim(what: piece.title, originalBytes: original, keptBytes: keptTotal,
                                       description: "\(piece.title) \(ContextTrim.size(original)) → \(ContextTrim.size(keptTotal)) (cut: \(names))"))
        }
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
        // A link that is not there and names no file (`first/last/only`, `y/yes/n/no` read from
        // the text) would only send the model looking for it.
        let links = work.links.filter { Self.namesAFile($0) || builder.secrets.isSecretPath($0) || builder.source.read($0) != nil }
        if !links.isEmpty { lines.append("\nLinked paths: " + links.joined(separator: ", ")) }
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
    /// Whether a path's last part is a file name with an extension of at most five characters
    /// (`task.py`, `app.swift`), not a folder, words joined by slashes (`first/last/only`) or a
    /// dotted module or key (`src.models`, `project.scripts`).
    static func namesAFile(_ path: String) -> Bool {
        guard let name = path.split(separator: "/").last, let ext = TextScan.extensionOf(name) else { return false }
        return ext.count <= 5
    }

    private func filePaths(_ item: PromptBuilder.Item) -> [String] {
        var paths: [String] = []
        if item.work.action == .implementToPassTest || item.work.action == .fixFailingTest { paths.append(item.work.path) }
        paths += item.work.links + item.targets
        var seen: Set<String> = []
        return paths.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    // MARK: Helpers

    private mutating func redact(_ text: String, place: String) -> String {
        let result = builder.secrets.redact(text)
        for (kind, count) in result.counts { redactions[kind, default: 0] += count }
        suspects += result.suspects.map { PromptSuspect(place: place, line: $0.line, name: $0.name) }
        return result.text
    }

    /// A heading for a marker: at most 60 characters.
    static func short(_ heading: String) -> String {
        heading.count <= 60 ? heading : String(heading.prefix(59)) + "…"
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
}
