/// Tier-2 templates: `config/templates/NAME.mustache`, each starting with a header comment
/// that says where its output goes and for which decisions it is used (it ends with a line
/// holding only `}}`):
///
///     {{! autodev
///     path: tests/test_{{slug}}.py
///     when: newImplementation
///     formats: specKit, kiro
///     kind: scaffold
///     }}
///
/// `path` is rendered like the body; `when` lists decision actions (default
/// `newImplementation`); `formats` limits the spec formats (default: all). `kind` says what the
/// output is: a `scaffold` (the default) is a starting point shown to the model, never an
/// answer; an `answer` settles the work only when `[validate] command` is configured and
/// passes with it (without a check, an answer template is a scaffold too): a stub must not be
/// counted as work done (issue 19: 432 of 476 items "answered" by empty stubs).
struct TemplateLibrary: Sendable {
    public struct Template: Sendable {
        public var name: String
        public var file: String
        var path: MustacheTemplate
        public var when: Set<DecisionAction>
        public var formats: Set<SpecFormat>?
        var body: MustacheTemplate
        /// `kind: answer`: complete output that may settle work once the gate passes it.
        public var isAnswer = false
    }

    public static let folder = "config/templates"
    public var templates: [Template]

    public init(templates: [Template]) {
        self.templates = templates
    }

    public static func load(_ files: RepositoryFiles) throws(AutodevError) -> TemplateLibrary {
        var templates: [Template] = []
        for name in files.list(folder) where name.hasSuffix(".mustache") {
            let file = folder + "/" + name
            guard let bytes = try files.read(file) else { continue }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw invalid(file, 1, "the file is not valid UTF-8")
            }
            templates.append(try parse(text, name: String(name.dropLast(".mustache".count)), file: file))
        }
        return TemplateLibrary(templates: templates)
    }

    static func parse(_ text: String, name: String, file: String) throws(AutodevError) -> Template {
        // The header ends at a line that is only `}}` (its `path:` may itself contain {{…}}).
        guard text.hasPrefix("{{!"), let close = text.firstRange(of: "\n}}") else {
            throw invalid(file, 1, "a template starts with a header comment: {{! autodev\\npath: …\\nwhen: newImplementation\\n}}")
        }
        let end = text.index(after: close.lowerBound)..<close.upperBound
        let header = text[text.index(text.startIndex, offsetBy: 3)..<end.lowerBound]
        var fields: [String: (String, Int)] = [:]
        for (offset, rawLine) in header.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: " \t\r")
            if line.isEmpty || line == "autodev" { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw invalid(file, offset + 1, "header line '\(line)' is not 'key: value'")
            }
            let key = line[..<colon].trimmingCharacters(in: " \t")
            guard ["path", "when", "formats", "kind"].contains(key) else {
                throw invalid(file, offset + 1, "unknown header key '\(key)' (path, when, formats, kind)")
            }
            fields[key] = (line[line.index(after: colon)...].trimmingCharacters(in: " \t"), offset + 1)
        }
        guard let (pathText, pathLine) = fields["path"], !pathText.isEmpty else {
            throw invalid(file, 1, "the header has no 'path:' saying where the output goes")
        }
        var when: Set<DecisionAction> = [.newImplementation]
        if let (list, line) = fields["when"] {
            when = []
            for item in list.split(separator: ",") {
                let value = item.trimmingCharacters(in: " \t")
                guard let action = DecisionAction(rawValue: value) else {
                    throw invalid(file, line, "'\(value)' is not an action (\(DecisionAction.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                when.insert(action)
            }
        }
        var formats: Set<SpecFormat>?
        if let (list, line) = fields["formats"] {
            var set = Set<SpecFormat>()
            for item in list.split(separator: ",") {
                let value = item.trimmingCharacters(in: " \t")
                guard let format = SpecFormat(rawValue: value) else {
                    throw invalid(file, line, "'\(value)' is not a spec format (\(SpecFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                set.insert(format)
            }
            formats = set
        }
        var isAnswer = false
        if let (value, line) = fields["kind"] {
            guard value == "scaffold" || value == "answer" else {
                throw invalid(file, line, "kind '\(value)' is neither 'scaffold' (a starting point shown to the model) nor 'answer' (complete output, taken when [validate] command passes with it)")
            }
            isAnswer = value == "answer"
        }
        var bodyText = String(text[end.upperBound...])
        if bodyText.hasPrefix("\n") { bodyText.removeFirst() }
        let headerLines = text[..<end.upperBound].filter { $0 == "\n" }.count
        let path: MustacheTemplate
        let body: MustacheTemplate
        do {
            path = try MustacheTemplate(pathText)
        } catch {
            throw invalid(file, pathLine, "in 'path': \(error.problem)")
        }
        do {
            body = try MustacheTemplate(bodyText)
        } catch {
            throw invalid(file, headerLines + error.line + (text[end.upperBound...].hasPrefix("\n") ? 1 : 0), error.problem)
        }
        return Template(name: name, file: file, path: path, when: when, formats: formats, body: body, isAnswer: isAnswer)
    }

    static func invalid(_ file: String, _ line: Int, _ problem: String) -> AutodevError {
        AutodevError(.invalidTemplate, "\(file):\(line): \(problem)")
    }

    public func named(_ name: String) -> Template? {
        templates.first { $0.name == name }
    }

    /// The templates that apply to a piece of work.
    func applicable(to item: WorkItem) -> [Template] {
        guard let requirement = item.requirement else { return [] }
        return templates.filter { template in
            template.when.contains(item.action) && (template.formats?.contains(requirement.format) ?? true)
        }
    }

    /// The values a template sees.
    static func context(for item: WorkItem, extra: [String: String] = [:]) -> [String: any Sendable] {
        var context: [String: any Sendable] = [
            "action": item.action.rawValue, "reason": item.reason, "path": item.path, "detail": item.detail,
            "kind": item.eventKind.rawValue, "links": item.links.map { ["path": $0] as [String: any Sendable] },
        ]
        if let requirement = item.requirement {
            context["ident"] = Self.identifier(requirement.slug)
            context["Ident"] = Self.typeName(requirement.slug)
            context["quoted"] = Self.quoted(requirement.title)
            context["key"] = requirement.key
            context["title"] = requirement.title
            context["slug"] = requirement.slug
            context["text"] = requirement.text
            context["spec"] = requirement.spec
            let feature = Self.feature(ofSpec: requirement.spec)
            context["feature"] = feature
            context["featureIdent"] = Self.identifier(feature, digitPrefix: "f_")
            context["Feature"] = Self.typeName(feature, digitPrefix: "F")
            context["format"] = requirement.format.rawValue
            context["textHash"] = requirement.textHash
            context["criteria"] = requirement.criteria.enumerated().map { offset, text in
                ["text": text, "number": offset + 1, "slug": WorkItem.slug(text), "ident": Self.identifier(WorkItem.slug(text)),
                 "quoted": Self.quoted(text)] as [String: any Sendable]
            }
        }
        for (key, value) in extra { context[key] = value }
        return context
    }

    /// `fr-001-hash-passwords` → `fr_001_hash_passwords` (a leading digit gets `r_`).
    static func identifier(_ slug: String, digitPrefix: String = "r_") -> String {
        let text = slug.replacingDashes()
        return text.first?.isNumber == true ? digitPrefix + text : text
    }

    /// `fr-001-hash-passwords` → `Fr001HashPasswords`.
    static func typeName(_ slug: String, digitPrefix: String = "R") -> String {
        let text = slug.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        return text.first?.isNumber == true ? digitPrefix + text : text
    }

    /// The feature a spec belongs to, as a slug: the folder of a feature's conventional file
    /// (`specs/001-export/spec.md`, `.kiro/specs/user-auth/tasks.md` → `001-export`, `user-auth`),
    /// otherwise the folder and the file's name (`specs/001-export/meta.json` →
    /// `001-export-meta`, `docs/stories/1.2.story.md` → `stories-1-2-story`). Requirements with
    /// the same title in two features, or in two files of one folder, then render to two paths.
    static func feature(ofSpec spec: String) -> String {
        let parts = spec.split(separator: "/")
        guard let file = parts.last else { return "spec" }
        let stem = file.lastIndex(of: ".").map { file[..<$0] } ?? file
        let folder = parts.count >= 2 ? String(parts[parts.count - 2]) : nil
        let conventional: Set<String> = ["spec", "requirements", "tasks", "design", "plan", "proposal", "readme", "prp"]
        if let folder, conventional.contains(stem.lowercased()) { return WorkItem.slug(folder) }
        return WorkItem.slug((folder.map { $0 + " " } ?? "") + stem)
    }

    /// A double-quoted string literal (JSON escaping), valid in most languages.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    func render(_ template: Template, for item: WorkItem, extra: [String: String] = [:]) -> (path: String, content: String) {
        let context = Self.context(for: item, extra: extra)
        let path = TextScan.collapse(template.path.render(context))
        return (path, template.body.render(context))
    }
}

extension String {
    func replacingDashes() -> String {
        String(map { $0 == "-" ? "_" : $0 })
    }
}
