internal import AutodevMarkdown

/// A spec file read into requirements.
public struct SpecDocument: Sendable {
    public var path: String
    public var format: SpecFormat
    public var requirements: [Requirement]
    /// Why the file yields no requirements although it is a spec (a plan, a template, an
    /// archived change); nil for a requirements document.
    public var context: String?
    /// Problems reading it: binary, too large, invalid UTF-8. The run goes on.
    public var diagnostics: [String]

    /// Larger specs are not read: no real spec is this big, and parsing one must not stall a hook.
    public static let maximumBytes = 4 << 20

    public static func parse(path: String, bytes: [UInt8]) -> SpecDocument {
        var document = SpecDocument(path: path, format: .markdown, requirements: [], context: nil, diagnostics: [])
        let name = baseName(path)
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
        if let reason = folderContext(path) {
            document.format = pathFormat(path) ?? .markdown
            document.context = reason
            return document
        }
        if !isMarkdown(name) {
            document.format = .document
            let text = TextScan.collapse(String(decoding: bytes, as: UTF8.self))
            if !text.isEmpty {
                document.requirements = [Requirement(key: name, kind: .document, title: name, text: text,
                                                     format: .document, spec: path, line: 1,
                                                     needsClarification: SpecText.needsClarification(text))]
            }
            return document
        }
        if let reason = contextReason(path: path, name: name) {
            document.format = pathFormat(path) ?? .markdown
            document.context = reason
            return document
        }
        if let known = pathFormat(path), known != .prp, isSupporting(name) {
            document.format = known
            document.context = "\(name) supports the feature's requirements but holds none itself"
            return document
        }
        let markdown = MarkdownDocument(parsing: bytes)
        let outline = SpecOutline(markdown)
        let format = pathFormat(path) ?? contentFormat(outline)
        document.format = format
        let parser = SpecParser(path: path, name: name, format: format, outline: outline)
        switch format {
        case .specKit, .kittySpecs: document.requirements = parser.specKit()
        case .kiro: document.requirements = parser.kiro()
        case .openSpec: document.requirements = parser.openSpec()
        case .bmad: document.requirements = parser.bmad()
        case .prp: document.requirements = parser.prp()
        case .markdown, .document: document.requirements = parser.plain()
        }
        if document.requirements.isEmpty, format != .markdown, format != .prp {
            // A file of a known format without that format's structure: read it as plain Markdown.
            document.requirements = parser.plain()
        }
        document.requirements = uniqueKeys(document.requirements)
        return document
    }

    static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    static func isMarkdown(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".md") || lower.hasSuffix(".markdown") || lower.hasSuffix(".mdx")
    }

    /// Files that live among specs but are not requirements.
    static func contextReason(path: String, name: String) -> String? {
        let lower = name.lowercased()
        let components = path.split(separator: "/").map { $0.lowercased() }
        if ["readme.md", "agents.md", "claude.md", "changelog.md", "contributing.md", "license.md", "index.md"].contains(lower) {
            return "\(name) describes the specs; it is not one"
        }
        if components.dropLast().contains(where: { $0 == "templates" || $0 == "template" || $0 == "ai_docs" }) || lower.contains("template") {
            return "a template, not a spec"
        }
        if path.hasPrefix("openspec/changes/archive/") || path.contains("/openspec/changes/archive/") {
            return "an archived OpenSpec change: its requirements already moved into openspec/specs"
        }
        if path.hasPrefix(".specify/") {
            return "Spec Kit's own memory and scripts, not a feature spec"
        }
        return nil
    }

    /// Spec Kit's `contracts/` (API contracts that support the plan) and `checklists/`
    /// (quality checklists about the spec itself) hold no requirements of their own.
    static func folderContext(_ path: String) -> String? {
        let folders = path.split(separator: "/").dropLast().map { $0.lowercased() }
        if folders.contains("checklists") { return "a quality checklist about the spec, not a requirement" }
        if folders.contains("contracts"), pathFormat(path) != nil { return "a contract supporting the feature's plan" }
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
        let components = path.split(separator: "/").map(String.init)
        func under(_ prefix: [String]) -> Bool {
            for start in components.indices where components.count - start > prefix.count {
                if Array(components[start..<(start + prefix.count)]) == prefix { return true }
            }
            return false
        }
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
    static func contentFormat(_ outline: SpecOutline) -> SpecFormat {
        let titles = outline.sections.map { $0.title.lowercased() }
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
