internal import TOMLKit

/// Tier-1 rules from `config/patterns.toml`: deterministic answers chosen by event kind, decision
/// action, path glob and a regular expression over the requirement's text.
///
///     [[pattern]]
///     name = "generated clients"
///     kind = "specificationChanged"      # optional
///     action = "updateImplementation"   # optional
///     path = "openapi/**"               # optional glob
///     text = "(?<verb>GET|POST) /users" # optional regex; named captures become template values
///     then = "template"                 # skip | template | command
///     template = "client"               # for then = "template"
///     reason = "…"                      # for then = "skip"
///     command = "make generate"         # for then = "command"
///     timeout_seconds = 120             # for then = "command"
struct PatternRules {
    public enum Then: Sendable, Equatable {
        case skip(reason: String)
        case template(String)
        case command(String, timeoutSeconds: Int)
    }

    public struct Rule {
        public var name: String
        public var line: Int
        var kind: EventKind?
        var action: DecisionAction?
        var path: Glob?
        var text: UserRegex?
        public var then: Then
    }

    public static let file = "config/patterns.toml"
    /// The longest `timeout_seconds` accepted: a day.
    public static let maxTimeoutSeconds = 86_400
    public var rules: [Rule]

    public static func load(_ files: RepositoryFiles, templates: TemplateLibrary) throws(AutodevError) -> PatternRules {
        guard let bytes = try files.read(file) else { return PatternRules(rules: []) }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw invalid(1, "the file is not valid UTF-8") }
        return try parse(text, templates: templates)
    }

    static func parse(_ text: String, templates: TemplateLibrary) throws(AutodevError) -> PatternRules {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw invalid(error.source.begin.line, "invalid TOML: \(error.description)")
        } catch {
            throw invalid(1, "invalid TOML: \(error)")
        }
        // Line of the n-th [[pattern]] header, for messages.
        var headerLines: [Int] = []
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where line.trimmingCharacters(in: " \t").hasPrefix("[[pattern]]") {
            headerLines.append(offset + 1)
        }
        for key in table.keys where key != "pattern" {
            throw invalid(1, "unknown key '\(key)': the file holds [[pattern]] tables only")
        }
        guard let value = table["pattern"] else { return PatternRules(rules: []) }
        guard let array = value.array else { throw invalid(1, "'pattern' must be an array of tables: write [[pattern]]") }
        var rules: [Rule] = []
        for (index, element) in array.enumerated() {
            let line = index < headerLines.count ? headerLines[index] : 1
            guard let entry = element.table else { throw invalid(line, "each [[pattern]] must be a table") }
            func string(_ key: String) throws(AutodevError) -> String? {
                guard let value = entry[key] else { return nil }
                guard let text = value.string else { throw invalid(line, "'\(key)' must be a string") }
                return text
            }
            let known: Set<String> = ["name", "kind", "action", "path", "text", "then", "template", "reason", "command", "timeout_seconds"]
            for key in entry.keys where !known.contains(key) {
                throw invalid(line, "unknown key '\(key)' (\(known.sorted().joined(separator: ", ")))")
            }
            let name = try string("name") ?? "pattern \(index + 1)"
            var rule = Rule(name: name, line: line, then: .skip(reason: ""))
            if let kind = try string("kind") {
                guard let parsed = EventKind(rawValue: kind) else {
                    throw invalid(line, "'\(kind)' is not an event kind (\(EventKind.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                rule.kind = parsed
            }
            if let action = try string("action") {
                guard let parsed = DecisionAction(rawValue: action) else {
                    throw invalid(line, "'\(action)' is not an action (\(DecisionAction.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                rule.action = parsed
            }
            if let path = try string("path") {
                do { rule.path = try Glob(path) } catch { throw invalid(line, "invalid glob '\(path)': \(error.problem)") }
                if rule.path?.isNegated == true {
                    throw invalid(line, "invalid glob '\(path)': it starts with '!', which only means something in a list of globs; write the pattern without it (or '\\!' for a name that starts with '!')")
                }
            }
            if let pattern = try string("text") {
                do { rule.text = try UserRegex(pattern) } catch { throw invalid(line, "invalid regular expression '\(pattern)': \(error.message)") }
            }
            switch try string("then") {
            case "skip"?:
                rule.then = .skip(reason: try string("reason") ?? "pattern '\(name)'")
            case "template"?:
                guard let template = try string("template") else { throw invalid(line, "then = \"template\" needs template = \"NAME\"") }
                guard templates.named(template) != nil else {
                    throw invalid(line, "template '\(template)' does not exist (\(TemplateLibrary.folder)/\(template).mustache)")
                }
                rule.then = .template(template)
            case "command"?:
                guard let command = try string("command"), !command.isEmpty else {
                    throw invalid(line, "then = \"command\" needs command = \"…\"")
                }
                var timeout = 120
                if let value = entry["timeout_seconds"] {
                    guard let seconds = value.int, (1...Self.maxTimeoutSeconds).contains(seconds) else {
                        throw invalid(line, "'timeout_seconds' must be an integer from 1 to \(Self.maxTimeoutSeconds) (a day)")
                    }
                    timeout = seconds
                }
                rule.then = .command(command, timeoutSeconds: timeout)
            case let other?:
                throw invalid(line, "then = \"\(other)\" is not one of skip, template, command")
            case nil:
                throw invalid(line, "the pattern says nothing to do: add then = \"skip\", \"template\" or \"command\"")
            }
            rules.append(rule)
        }
        return PatternRules(rules: rules)
    }

    static func invalid(_ line: Int, _ problem: String) -> AutodevError {
        AutodevError(.invalidPatterns, "\(file):\(line): \(problem)")
    }

    /// The first rule that matches, with the values its regex captured (by group number and
    /// name). A regex that exceeds its match limit on this work is a configuration error naming
    /// the pattern.
    func match(_ item: WorkItem) throws(AutodevError) -> (Rule, [String: String])? {
        for rule in rules {
            if let kind = rule.kind, kind != item.eventKind { continue }
            if let action = rule.action, action != item.action { continue }
            if let glob = rule.path, !glob.matches(item.requirement?.spec ?? item.path) && !glob.matches(item.path) { continue }
            var captures: [String: String] = [:]
            if let regex = rule.text {
                let subject = (item.requirement.map { $0.title + "\n" + $0.text }) ?? item.detail
                do {
                    guard let found = try regex.firstMatch(in: subject) else { continue }
                    captures = found
                } catch {
                    let about = item.requirement.map { "\($0.key) (\($0.spec))" } ?? item.path
                    throw Self.invalid(rule.line, """
                        pattern '\(rule.name)': the regular expression '\(regex.pattern)' needed \(error.which) on the text of \(about) \
                        (\(subject.utf8.count) bytes) and was stopped; rewrite it without nested repetition such as (\\w+\\s?)+
                        """)
                }
            }
            return (rule, captures)
        }
        return nil
    }
}
