internal import AutodevMarkdown

/// A spec file read into requirements.
struct SpecDocument: Sendable {
    public var path: String
    public var format: SpecFormat
    public var requirements: [Requirement]
    /// Why the file yields no requirements although it is a spec (a plan, a template, an
    /// archived change); nil for a requirements document.
    public var context: String?
    /// Problems reading it: binary, too large, invalid UTF-8. The run goes on.
    public var diagnostics: [String]
    /// Why every requirement in it is already done (a story whose status is Done, OpenSpec's
    /// record of shipped capabilities); nil when nothing says so.
    public var finished: String? = nil
    /// A kitty-specs work package's structured links, from its front matter: the ids it covers
    /// (`subtasks`, `requirement_refs`) and the code it owns (`owned_files`).
    public var workPackage: WorkPackageLinks? = nil

    public struct WorkPackageLinks: Sendable, Equatable {
        public var ids: [String]
        public var files: [String]
    }

    /// Larger specs are not read: no real spec is this big, and parsing one must not stall a hook.
    public static let maximumBytes = 4 << 20

    public static func parse(path: String, bytes: [UInt8]) -> SpecDocument {
        var document = SpecDocument(path: path, format: .markdown, requirements: [], context: nil, diagnostics: [])
        // The path's folders, split once for the readers below (each split it again: five
        // times a spec, 12 % of parsing a small one).
        let components = pathComponents(path)
        let lowered = components.map { $0.lowercased() }
        let name = components.last ?? path
        if bytes.count > maximumBytes {
            document.diagnostics.append("\(path): \(bytes.count) bytes, over the \(maximumBytes >> 20) MiB limit for a spec; not read")
            return document
        }
        if bytes.prefix(8000).contains(0) {
            document.diagnostics.append("\(path): binary content (a NUL byte), not a spec; not read")
            return document
        }
        let valid = String(validating: bytes, as: UTF8.self) != nil
        if !valid {
            document.diagnostics.append("\(path): not valid UTF-8; invalid bytes were read as U+FFFD")
        }
        // The path's format, read once (each reading walks the path six times).
        let byPath = pathFormat(components: components)
        if let reason = folderContext(components: components, lowered: lowered, byPath: byPath) {
            document.format = byPath ?? .markdown
            document.context = reason
            return document
        }
        let specKitFolder = byPath.map { $0 == .specKit || $0 == .kittySpecs } ?? false
        if !isMarkdown(name) {
            guard !specKitFolder, let kind = documentSpecKind(name: name, bytes: bytes) else {
                document.format = byPath ?? .document
                document.context = "\(name) is a data or metadata file, not a requirements document"
                return document
            }
            document.format = .document
            let text = TextScan.collapse(String(decoding: bytes, as: UTF8.self))
            if !text.isEmpty {
                document.requirements = [Requirement(key: name, kind: .document, title: "\(name) (\(kind))", text: text,
                                                     format: .document, spec: path, line: 1,
                                                     needsClarification: SpecText.needsClarification(text))]
            }
            return document
        }
        if let reason = contextReason(path: path, name: name, components: components, lowered: lowered,
                                      opensWithStory: { byPath == .bmad && opensWithStory(bytes) }) {
            document.format = byPath ?? .markdown
            document.context = reason
            return document
        }
        if let known = byPath, known != .prp, isSupporting(name) {
            document.format = known
            document.context = "\(name) supports the feature's requirements but holds none itself"
            return document
        }
        let (frontMatter, body) = FrontMatter.split(bytes).map { ($0.0 as FrontMatter?, $0.1) } ?? (nil, bytes)
        let markdown = MarkdownDocument(parsing: body)
        let outline = SpecOutline(markdown)
        let format = resolvedFormat(path: path, name: name, outline: outline, byPath: byPath)
        document.format = format
        if let frontMatter, isWorkPackage(name: name, frontMatter: frontMatter) {
            // kitty-specs work packages: a prompt for an agent; its subtasks are tasks.md's.
            document.context = "a work-package prompt; its subtasks (\(frontMatter.lists["subtasks"]?.prefix(3).joined(separator: ", ") ?? "none")) are tasks of tasks.md"
            // Its owned code links the tasks and requirements it covers; spec files and globs do not.
            let ids = (frontMatter.lists["subtasks"] ?? []) + (frontMatter.lists["requirement_refs"] ?? [])
            let files = (frontMatter.lists["owned_files"] ?? []).compactMap { TextScan.pathToken(Substring($0)) }
                .filter { !$0.hasPrefix("kitty-specs/") && !$0.hasPrefix("specs/") && !$0.contains("<") }
            if !ids.isEmpty && !files.isEmpty { document.workPackage = WorkPackageLinks(ids: ids, files: files) }
            return document
        }
        if specKitFolder, !["spec.md", "tasks.md", "requirements.md"].contains(name.lowercased()) {
            // Spec Kit keeps a feature's requirements in spec.md and its tasks in tasks.md; the
            // other files of the folder (inventories, matrices, follow-ups, reviews) inform them.
            document.context = "\(name) is not spec.md or tasks.md: it informs the feature's requirements but holds none"
            return document
        }
        let parser = SpecParser(path: path, name: name, format: format, outline: outline)
        switch format {
        case .specKit, .kittySpecs: document.requirements = parser.specKit()
        case .kiro: document.requirements = parser.kiro()
        case .openSpec: document.requirements = parser.openSpec()
        case .bmad: document.requirements = parser.bmad()
        case .prp: document.requirements = parser.prp()
        case .markdown, .document: document.requirements = parser.plain()
        }
        if document.requirements.isEmpty, format != .markdown {
            // A file of a known format without that format's structure (notes, a summary, a
            // guide kept among the specs): context, not heading-by-heading requirements.
            document.context = "\(name) has no \(format.displayName) requirements, stories or tasks; read as context"
            return document
        }
        document.requirements = uniqueKeys(document.requirements)
        document.finished = finishedReason(path: path, format: format, frontMatter: frontMatter, outline: outline)
        if let finished = document.finished {
            for index in document.requirements.indices { document.requirements[index].finished = finished }
        }
        return document
    }

    /// Why a whole document is finished work, if it says so or its place does.
    static func finishedReason(path: String, format: SpecFormat, frontMatter: FrontMatter?, outline: SpecOutline) -> String? {
        if format == .openSpec, isUnder(path, ["openspec", "specs"]) {
            return "openspec/specs/ is the record of what has shipped (new work comes as a change in openspec/changes/)"
        }
        let declared = DocumentStatus.declared(frontMatter: frontMatter, outline: outline)
            ?? (format == .bmad ? DocumentStatus.declaredInList(outline) : nil)
        guard let status = declared, DocumentStatus.isFinished(status) else {
            return nil
        }
        // Spec Kit's header (`**Status**: Draft`, later `Complete`) is the document's own state:
        // only a status that names the code (`Implemented`, `Shipped`) says the code exists.
        if format == .specKit || format == .kittySpecs, !DocumentStatus.speaksOfCode(status) { return nil }
        return "the spec's status says \"\(status.prefix(40))\""
    }

    /// A kitty-specs work package (`tasks/WP01-….md` with `work_package_id` or `subtasks` in
    /// its front matter).
    static func isWorkPackage(name: String, frontMatter: FrontMatter) -> Bool {
        frontMatter.scalars["work_package_id"] != nil || frontMatter.lists["subtasks"] != nil
            || (name.hasPrefix("WP") && frontMatter.scalars["wp_code"] != nil)
    }

    /// Non-Markdown files that are specs in their own right: Gherkin features and API
    /// descriptions. Everything else under a spec folder (meta.json, status.events.jsonl,
    /// lanes.json, .openspec.yaml, config.yaml, proof logs) is data.
    static func documentSpecKind(name: String, bytes: [UInt8]) -> String? {
        let lower = name.lowercased()
        if lower.hasSuffix(".feature") { return "Gherkin feature" }
        let structured = [".yaml", ".yml", ".json"].contains { lower.hasSuffix($0) }
        guard structured else { return nil }
        let head = String(decoding: bytes.prefix(2048), as: UTF8.self).lowercased()
        for (marker, kind) in [("openapi", "OpenAPI description"), ("swagger", "OpenAPI description"), ("asyncapi", "AsyncAPI description")] {
            if head.contains("\n\(marker):") || head.hasPrefix("\(marker):") || head.contains("\"\(marker)\"") { return kind }
        }
        return nil
    }

    /// The format from the path, unless the content clearly belongs to another: Spec Kit's
    /// numbered folders (`specs/NNN-slug/`) are a common layout for Kiro and OpenSpec documents too.
    /// `byPath`: `pathFormat(path)`, read once by the caller.
    static func resolvedFormat(path: String, name: String, outline: SpecOutline, byPath: SpecFormat?) -> SpecFormat {
        switch byPath {
        case nil:
            return contentFormat(outline, name: name)
        case .specKit?, .kittySpecs?:
            let byContent = contentFormat(outline, name: name)
            return [.kiro, .openSpec, .bmad].contains(byContent) ? byContent : byPath!
        case let known?:
            return known
        }
    }

    /// Whether `prefix` is a run of folders on the way to the file at `path`.
    static func isUnder(_ path: String, _ prefix: [String]) -> Bool {
        isUnder(components: pathComponents(path), prefix)
    }

    /// `path.split(separator: "/").map(String.init)`: the same components, for an ASCII path
    /// (nearly all) by bytes. The standard library splits by Character, some 14,000
    /// instructions for a four-folder path, and paths were split a dozen times a spec: 16 % of a
    /// stress-test sync. Beyond ASCII a combining mark after a "/" makes one Character that is
    /// no separator, so such a path is split the standard library's way.
    static func pathComponents(_ path: String) -> [String] {
        let split: [String]?? = path.utf8.withContiguousStorageIfAvailable { bytes -> [String]? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            var parts: [String] = []
            var start = 0
            for index in 0...bytes.count where index == bytes.count || bytes[index] == 0x2F {
                if index > start { parts.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)) }
                start = index + 1
            }
            return parts
        }
        return (split ?? nil) ?? path.split(separator: "/").map(String.init)
    }

    static func isUnder(components: [String], _ prefix: [String]) -> Bool {
        guard components.count > prefix.count else { return false }
        for start in 0...(components.count - prefix.count - 1) where components[start..<(start + prefix.count)].elementsEqual(prefix) {
            return true
        }
        return false
    }

    static func baseName(_ path: String) -> String {
        // ASCII paths (nearly all) by bytes, without splitting every folder off: the same last
        // component (trailing slashes skipped; the path itself when it has none). Others split,
        // where a combining mark after a "/" makes one Character that is no separator.
        let utf8 = path.utf8
        guard utf8.allSatisfy({ $0 < 0x80 }) else { return path.split(separator: "/").last.map(String.init) ?? path }
        var end = utf8.endIndex
        while end > utf8.startIndex, utf8[utf8.index(before: end)] == 0x2F { end = utf8.index(before: end) }
        guard end > utf8.startIndex else { return path }
        var start = end
        while start > utf8.startIndex, utf8[utf8.index(before: start)] != 0x2F { start = utf8.index(before: start) }
        return String(path[start..<end])
    }

    static func isMarkdown(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".md") || lower.hasSuffix(".markdown") || lower.hasSuffix(".mdx")
    }

    /// Files that live among specs but are not requirements. A file name's last word says a
    /// report (`…-summary.md`) unless the file's first heading says a story (`# Story AT.2: …`):
    /// a public BMAD history kept the stories of its "account summary" epic as
    /// `AT.2.wire-account-summary.md`.
    static func contextReason(path: String, name: String, opensWithStory: () -> Bool = { false }) -> String? {
        let components = pathComponents(path)
        return contextReason(path: path, name: name, components: components, lowered: components.map { $0.lowercased() },
                             opensWithStory: opensWithStory)
    }

    /// `components`: the path split at "/"; `lowered`: the same lower-cased (`parse` splits once).
    static func contextReason(path: String, name: String, components written: [String], lowered components: [String],
                              opensWithStory: () -> Bool = { false }) -> String? {
        let lower = name.lowercased()
        let stem = lower.lastIndex(of: ".").map { String(lower[..<$0]) } ?? lower
        let folders = components.dropLast()
        if ["readme.md", "agents.md", "claude.md", "gemini.md", "changelog.md", "contributing.md", "license.md", "index.md"].contains(lower) {
            return "\(name) describes the specs; it is not one"
        }
        if folders.contains(where: { $0 == "templates" || $0 == "template" || $0 == "ai_docs" }) || ByteSearch.contains(lower, "template") {
            return "a template, not a spec"
        }
        if path.hasPrefix("openspec/changes/archive/") || ByteSearch.contains(path, "/openspec/changes/archive/") {
            return "an archived OpenSpec change: its requirements already moved into openspec/specs"
        }
        if path.hasPrefix(".specify/") {
            return "Spec Kit's own memory and scripts, not a feature spec"
        }
        if let folder = folders.first(where: { archiveFolders.contains($0) || ByteSearch.contains($0, "backup") }) {
            return "under \(folder)/: archived or backed-up material, not current requirements"
        }
        let feature = featureFolderIndex(components)
        if let folder = folders.enumerated().first(where: { exploratoryFolders.contains($0.element) && $0.offset != feature })?.element {
            return "under \(folder)/: exploration, evidence or working notes, not requirements"
        }
        if isUnder(components: written, ["openspec", "changes"]), components.count == 3 {
            return "\(name) sits beside the changes, not in one: notes about them, not requirements"
        }
        let words = stem.split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == " " }).map(String.init)
        if let word = words.last, reportWords.contains(word) || words.first == "review", !opensWithStory() {
            return "\(name) is a \(word) document (an account of work, not a requirement)"
        }
        if lower.hasSuffix(".bak") || stem.hasSuffix("-old") || stem.hasSuffix("_old") || stem.hasSuffix(".orig") || stem.hasSuffix("-copy") {
            return "\(name) is a backup copy"
        }
        return nil
    }

    /// Whether a document's first heading is a BMAD story's (`# Story 1.2: …`, `# Story AT.2: …`).
    static func opensWithStory(_ bytes: [UInt8]) -> Bool {
        for line in String(decoding: bytes.prefix(4096), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true) {
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix("#") else { continue }
            var title = trimmed.drop { $0 == "#" }.drop { $0 == " " }
            while title.last == " " || title.last == "\r" { title = title.dropLast() }
            return SpecParser.bmadStoryID(String(title)) != nil
        }
        return false
    }

    /// Folders whose documents are history: archives and backups.
    static let archiveFolders: Set<String> = ["archive", "_archive", "archived", ".archive", "old", "deprecated", "obsolete", "attic"]
    /// Folders of exploratory or working material kept beside specs.
    static let exploratoryFolders: Set<String> = [
        "explorations", "exploration", "initiatives", "work", "research", "reviews", "review", "retros", "retrospectives",
        "notes", "drafts", "scratch", "evidence", "verification_proof", "proofs", "reports", "analysis", "handoffs", "sessions",
    ]
    /// Last words of a file name that make it an account of work rather than a requirement
    /// (`final-report.md`, `INTEGRATION-SUMMARY.md`, `backport-notes.md`).
    static let reportWords: Set<String> = [
        "summary", "summaries", "analysis", "report", "retrospective", "retro", "handoff", "notes", "findings",
        "audit", "postmortem", "backup", "guide", "planning", "roadmap", "investigation", "lessons", "changelog",
        "review", "order",
    ]

    /// Spec Kit's `contracts/` (API contracts that support the plan) and `checklists/`
    /// (quality checklists about the spec itself) hold no requirements of their own.
    static func folderContext(_ path: String) -> String? {
        let components = pathComponents(path)
        return folderContext(components: components, lowered: components.map { $0.lowercased() }, byPath: pathFormat(components: components))
    }

    /// `components`: the path split at "/", `lowered` the same lower-cased, `byPath` its
    /// `pathFormat` (`parse` makes each once).
    static func folderContext(components: [String], lowered: [String], byPath: SpecFormat?) -> String? {
        let folders = lowered.dropLast()
        if folders.contains("checklists") { return "a quality checklist about the spec, not a requirement" }
        if folders.contains("contracts"), byPath != nil { return "a contract supporting the feature's plan" }
        // A sharded product requirements document (BMAD's docs/prd/): its requirements reach
        // code through the epics' stories, which carry the tasks. Read as work, each section
        // ("Functional Requirements") became one item nobody would list.
        let prd = "a product requirements document: its requirements reach code through the stories and tasks that implement them"
        if folders.contains("prd") { return prd }
        // The same document unsharded (`docs/prd.md`, `docs/specs/companion-prd.md`): a replay of
        // a public BMAD repository read its epics' stories as work, the stories of an app kept in
        // another repository among them, while its story files carried the work.
        let name = lowered.last ?? ""
        let stem = name.split(separator: ".").first.map(String.init) ?? ""
        if stem == "prd" || ["-prd", "_prd"].contains(where: stem.hasSuffix) || ["prd-", "prd_"].contains(where: stem.hasPrefix) {
            return prd
        }
        return nil
    }

    /// Plans, designs, research and proposals: they inform work on requirements.
    static func isSupporting(_ name: String) -> Bool {
        let stem = name.lowercased().split(separator: ".").first.map(String.init) ?? ""
        return ["plan", "design", "research", "data-model", "quickstart", "proposal", "project", "checklist",
                "architecture", "tech-stack", "overview", "context"].contains(stem)
            || stem.hasPrefix("contract")
    }

    static func pathFormat(_ path: String) -> SpecFormat? {
        pathFormat(components: pathComponents(path))
    }

    /// `components`: the path split at "/".
    static func pathFormat(components: [String]) -> SpecFormat? {
        func under(_ prefix: [String]) -> Bool { isUnder(components: components, prefix) }
        if under([".kiro", "specs"]) { return .kiro }
        if under(["openspec"]) { return .openSpec }
        if under(["kitty-specs"]) { return .kittySpecs }
        if under([".specify"]) { return .specKit }
        if under(["docs", "stories"]) || under(["_bmad-output"]) { return .bmad }
        if under(["PRPs"]) { return .prp }
        // specs/NNN-slug/...: Spec Kit's numbered feature folders
        if let index = components.firstIndex(of: "specs"), index + 2 < components.count {
            let folder = components[index + 1]
            if let dash = folder.firstIndex(of: "-"), folder[..<dash].allSatisfy(\.isNumber), dash > folder.startIndex {
                return .specKit
            }
        }
        return nil
    }

    /// The format a document's headings and items show, for specs outside the known folders.
    static func contentFormat(_ outline: SpecOutline, name: String = "") -> SpecFormat {
        let titles = outline.sections.map { $0.title.lowercased() }
        if name.lowercased() == "tasks.md" {
            // Spec Kit's tasks are `T001`; Kiro's and OpenSpec's are numbered `1.1`.
            var numbered = 0, specKit = 0
            for (item, _) in SpecText.items(outline.preamble + outline.sections.flatMap(\.blocks)) {
                let (box, label) = SpecText.checkbox(of: item)
                guard box != nil else { continue }
                if let (id, _) = TextScan.leadingID(Substring(label)), id.first == "T", id.dropFirst().allSatisfy(\.isNumber) { specKit += 1 }
                else if TextScan.leadingNumber(Substring(label)) != nil { numbered += 1 }
            }
            if specKit > 0 { return .specKit }
            if numbered > 0 { return .kiro }
        }
        if titles.contains(where: { SpecParser.storyNumber($0) != nil || $0 == "primary user story" }) { return .specKit }
        if titles.contains(where: { $0.hasPrefix("requirement:") }) && titles.contains(where: { $0.hasPrefix("scenario:") }) {
            return .openSpec
        }
        if titles.contains(where: { SpecParser.kiroRequirementID($0) != nil && $0.hasPrefix("requirement ") }) {
            return .kiro
        }
        if titles.contains(where: { SpecParser.bmadStoryID($0) != nil }) { return .bmad }
        if titles.contains("goal") && titles.contains(where: { $0.contains("success criteria") }) { return .prp }
        let items = SpecText.items(outline.preamble + outline.sections.flatMap(\.blocks))
        if items.contains(where: { item in
            TextScan.leadingID(Substring(SpecText.firstParagraph(of: item.item)))?.id.hasPrefix("FR") == true
        }) {
            return .specKit
        }
        return .markdown
    }

    /// Keys are unique within a document: a repeated one gets ` (2)`, ` (3)`.
    static func uniqueKeys(_ requirements: [Requirement]) -> [Requirement] {
        var seen: [String: Int] = [:]
        return requirements.map { requirement in
            var copy = requirement
            let count = seen[requirement.key, default: 0] + 1
            seen[requirement.key] = count
            if count > 1 {
                copy.key += " (\(count))"
                copy.ids = [copy.key]
            }
            return copy
        }
    }
}
