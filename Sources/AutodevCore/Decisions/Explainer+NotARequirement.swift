/// Text that a parser reads as a requirement but that asks for nothing: a template line nobody
/// filled in (`System MUST [specific capability, e.g., …]`, `### User Story 1 - [Brief Title]`)
/// and a section that is only a diagram (a Mermaid sequence of the flow the other requirements
/// ask for). Issue 21's fresh replay proposed both as code work (a public OpenSpec project's
/// "Dataflow … (Mermaid)", a Spec Kit template's FR lines). Read from structure: where the words
/// sit (inside the template's brackets) and what the section holds (a diagram block and no
/// sentence), in any language.
extension Explainer {
    /// Fence languages that draw a diagram.
    static let diagramLanguages: Set<String> = ["mermaid", "plantuml", "puml", "dot", "graphviz", "d2", "nomnoml"]

    /// Why the requirement is no requirement, or nil.
    mutating func notARequirement(_ requirement: Requirement, in snapshot: Snapshot) -> String? {
        guard requirement.kind != .task else { return nil }
        if let placeholder = Self.templatePlaceholder(requirement.title) {
            return "an unfilled template line (“[\(SecretGuard.cut(placeholder, to: 60))]”)"
        }
        if let placeholder = Self.placeholderTable(requirement.text) {
            return "an unfilled template table (“[\(SecretGuard.cut(placeholder, to: 60))]”)"
        }
        guard snapshot === after else { return nil }
        if let language = Self.onlyDiagram(lines(ofSpec: requirement.spec), heading: requirement.line) {
            return "a \(language) diagram with no statement of its own: it pictures what other requirements ask for"
        }
        return nil
    }

    /// The first placeholder of a section that is a template's table left unfilled: a header
    /// row and body rows that are all placeholders (`| [Alternative fix] | [approach] | [why
    /// the chosen approach is better] |`), with at most one line of text beside it (the
    /// template's "Omit this section if …"). A replay of an unseen project proposed six such
    /// "Alternatives Considered" sections, copied from its template into bug designs, as work.
    static func placeholderTable(_ text: String) -> String? {
        // Rows hold " | ": text without a "|" has none (most requirements: not split at all).
        guard text.utf8.contains(UInt8(ascii: "|")) else { return nil }
        let lines = text.split(separator: "\n").map(String.init)
        let rows = lines.filter { $0.contains(" | ") }
        guard rows.count >= 2, lines.count - rows.count <= 1 else { return nil }
        var first: String?
        for row in rows.dropFirst() {
            guard let placeholder = templatePlaceholder(row) else { return nil }
            if first == nil { first = placeholder }
        }
        return first
    }

    /// The placeholder of a template line: bracketed text of two words or more (not a link, not
    /// a tag like `[P]` or `[US1]`) that holds at least as many letters as the rest of the line.
    static func templatePlaceholder(_ title: String) -> String? {
        // A placeholder is bracketed: a title without a "[" has none (not read Character by Character).
        guard title.utf8.contains(UInt8(ascii: "[")) else { return nil }
        var inside = 0
        var outside = 0
        var longest = ""
        var depth = 0
        var current = ""
        let characters = Array(title)
        for (index, character) in characters.enumerated() {
            if character == "[" {
                if depth == 0 { current = "" }
                depth += 1
                continue
            }
            if character == "]", depth > 0 {
                depth -= 1
                guard depth == 0 else { continue }
                let link = index + 1 < characters.count && characters[index + 1] == "("
                let words = current.split(whereSeparator: { $0.isWhitespace }).count
                let letters = current.filter(\.isLetter).count
                // CJK runs have no spaces: four letters make a phrase (`具体能力`).
                let cjk = current.unicodeScalars.contains { TaskIntent.isCJK($0) }
                if !link, words >= 2 || (cjk && letters >= 4) {
                    inside += letters
                    if current.count > longest.count { longest = current }
                } else {
                    outside += letters
                }
                continue
            }
            if depth > 0 { current.append(character) } else if character.isLetter { outside += 1 }
        }
        guard !longest.isEmpty, inside >= outside else { return nil }
        return longest
    }

    /// The fence language when the section under the heading at `heading` (1-based) holds a
    /// diagram block and no line of text outside blocks, up to its next heading.
    static func onlyDiagram(_ lines: [Substring], heading: Int) -> String? {
        let start = heading - 1
        guard start >= 0, start < lines.count, lines[start].hasPrefix("#") else { return nil }
        var fence: String?
        var diagram: String?
        for line in lines[(start + 1)...] {
            let trimmed = line.trimmingSpaces()
            if let open = fence {
                if trimmed.hasPrefix(open), trimmed.drop(while: { $0 == open.first }).isEmpty { fence = nil }
                continue
            }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                let marker = String(trimmed.prefix { $0 == trimmed.first })
                let language = trimmed.dropFirst(marker.count).trimmingSpaces().lowercased().split(separator: " ").first.map(String.init) ?? ""
                guard diagramLanguages.contains(language) else { return nil }
                diagram = language
                fence = marker
                continue
            }
            if trimmed.hasPrefix("#") { break }
            if !trimmed.isEmpty { return nil }
        }
        return diagram.map { $0 == "puml" ? "PlantUML" : $0.prefix(1).uppercased() + $0.dropFirst() }
    }
}
