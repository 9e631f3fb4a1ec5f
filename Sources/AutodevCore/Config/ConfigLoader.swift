internal import AutodevGit
internal import TOMLKit

/// Reads configuration text and environment into a `Config`, checking every key and value.
public enum ConfigLoader {
    /// Builds the configuration. `file` is the display name used in messages.
    public static func load(text: String?, file: String, environment: [String: String]) throws(AutodevError) -> Config {
        var config = Config()
        if let text {
            try apply(text: text, file: file, to: &config)
        }
        try applyEnvironment(environment, to: &config)
        try checkReferences(config)
        try StoreSettings.check(config) { key, problem in invalid(config, key, problem) }
        try Sandbox.checkConfig(config) { key, problem in invalid(config, key, problem) }
        return config
    }

    /// An error for `key` that names where its value came from (file and line, or variable).
    static func invalid(_ config: Config, _ key: String, _ problem: String) -> AutodevError {
        switch config.sources[key]?.origin {
        case .file(let file, let line)?:
            return .config(file: file, line: line == 0 ? nil : line, key: key, "'\(key)' \(problem)")
        case .environment(let name)?:
            return .config(file: "environment variable \(name)", line: nil, key: key, "'\(key)' \(problem)")
        default:
            return AutodevError(.invalidConfig, "'\(key)' \(problem)", key: key)
        }
    }

    /// autodev's refs live under `refs/autodev/` and on a results branch of its own:
    /// `loop.checkpoint_ref` must be a ref there (not the queue), `loop.results_branch` a plain
    /// branch name. Whether the branch is autodev's is checked by `sync`, which opens the
    /// repository. The error names where the setting came from.
    static func checkReferences(_ config: Config) throws(AutodevError) {
        func invalid(_ key: String, _ problem: String) -> AutodevError { ConfigLoader.invalid(config, key, problem) }
        let checkpoint = config[.checkpointRef]
        guard checkpoint.hasPrefix("refs/autodev/"), Repository.isValidReferenceName(checkpoint) else {
            throw invalid("loop.checkpoint_ref", "= \"\(checkpoint)\" must be a valid ref name under refs/autodev/ (default refs/autodev/checkpoint): autodev moves that ref, and moves no branch or ref of yours")
        }
        guard checkpoint != WorkQueue.ref else {
            throw invalid("loop.checkpoint_ref", "= \"\(checkpoint)\": \(WorkQueue.ref) holds autodev's queue of unfinished work; choose another name under refs/autodev/ (default refs/autodev/checkpoint)")
        }
        guard checkpoint != SharedLedger.ref else {
            throw invalid("loop.checkpoint_ref", "= \"\(checkpoint)\": \(SharedLedger.ref) holds the spending ledger sync --ci shares; choose another name under refs/autodev/ (default refs/autodev/checkpoint)")
        }
        let branch = config[.resultsBranch]
        // Under refs/heads/, it can never be the checkpoint, which lives under refs/autodev/.
        guard !branch.hasPrefix("refs/"), Repository.isValidBranchName(branch) else {
            throw invalid("loop.results_branch", "= \"\(branch)\" must be a valid branch name, without refs/heads/ (default autodev/results)")
        }
        let report = config[.validateReport]
        if !report.isEmpty, let problem = GeneratedPath.problem(report) {
            throw invalid("validate.report", "= \"\(report)\" \(problem); give the report's path inside the checked copy, as the command writes it (e.g. \"junit.xml\")")
        }
    }

    static func apply(text: String, file: String, to config: inout Config) throws(AutodevError) {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw AutodevError.config(file: file, line: error.source.begin.line,
                                      "invalid TOML: \(error.description)")
        } catch {
            throw AutodevError.config(file: file, line: nil, "invalid TOML: \(error)")
        }
        let lines = KeyLines(text)
        try walk(table, prefix: "", file: file, lines: lines, into: &config)
    }

    private static func walk(_ table: TOMLTable, prefix: String, file: String, lines: KeyLines,
                             into config: inout Config) throws(AutodevError) {
        for name in table.keys.sorted() {
            guard let value = table[name] else { continue }
            let full = prefix.isEmpty ? name : prefix + "." + name
            let line = lines.line(of: full)
            if full == "llm.providers", let array = value.array {
                config.providers = try ProviderConfigLoader.load(array, file: file, lines: lines)
                continue
            }
            if value.type == .table, ConfigSchema.tables.contains(full), let inner = value.table {
                try walk(inner, prefix: full, file: file, lines: lines, into: &config)
                continue
            }
            guard let key = ConfigSchema.byName[full] else {
                throw AutodevError.config(file: file, line: line, key: full,
                                          "unknown key '\(full)'\(suggestion(for: full)); docs/configuration.md lists every key")
            }
            let converted = try convert(value, for: key, file: file, line: line)
            config.set(full, converted, from: .init(origin: .file(file, line: line ?? 0)))
        }
    }

    private static func convert(_ value: any TOMLValueConvertible, for key: ConfigKey, file: String,
                                line: Int?) throws(AutodevError) -> ConfigValue {
        func wrong(_ expected: String) -> AutodevError {
            .config(file: file, line: line, key: key.name,
                    "'\(key.name)' must be \(expected), not \(value.type) \(value.debugDescription)")
        }
        switch key.kind {
        case .int(let range):
            guard let number = value.int else { throw wrong("an integer") }
            guard range.contains(number) else { throw wrong("an integer from \(range.lowerBound) to \(range.upperBound)") }
            return .int(number)
        case .double(let range):
            let number: Double
            if let double = value.double { number = double } else if let int = value.int { number = Double(int) } else {
                throw wrong("a number")
            }
            guard range.contains(number) else { throw wrong("a number from \(range.lowerBound) to \(range.upperBound)") }
            return .double(number)
        case .bool, .optionalBool:
            guard let flag = value.bool else { throw wrong("true or false") }
            return .bool(flag)
        case .string:
            guard let text = value.string else { throw wrong("a string") }
            return .string(text)
        case .strings:
            guard let array = value.array else { throw wrong("an array of strings") }
            var result: [String] = []
            for element in array {
                guard let text = element.string else { throw wrong("an array of strings") }
                if key.name.hasPrefix("events.") || key.name == "answers.allow_paths" {
                    do { _ = try Glob(text) } catch {
                        throw AutodevError.config(file: file, line: line, key: key.name,
                                                  "invalid glob '\(text)' in '\(key.name)': \(error.problem)")
                    }
                }
                result.append(text)
            }
            return .strings(result)
        }
    }

    static func applyEnvironment(_ environment: [String: String], to config: inout Config) throws(AutodevError) {
        for key in ConfigSchema.keys {
            guard let raw = environment[key.environmentName] else { continue }
            let name = key.environmentName
            func wrong(_ expected: String) -> AutodevError {
                .config(file: "environment variable \(name)", line: nil, key: key.name,
                        "\(name)='\(raw)' must be \(expected)")
            }
            let value: ConfigValue
            switch key.kind {
            case .int(let range):
                guard let number = Int(raw.trimmingSpaces()), range.contains(number) else {
                    throw wrong("an integer from \(range.lowerBound) to \(range.upperBound)")
                }
                value = .int(number)
            case .double(let range):
                guard let number = Double(raw.trimmingSpaces()), range.contains(number) else {
                    throw wrong("a number from \(range.lowerBound) to \(range.upperBound)")
                }
                value = .double(number)
            case .bool, .optionalBool:
                switch raw.trimmingSpaces().lowercased() {
                case "1", "true", "yes", "on": value = .bool(true)
                case "0", "false", "no", "off": value = .bool(false)
                default: throw wrong("true or false")
                }
            case .string:
                value = .string(raw)
            case .strings:
                let items = raw.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
                value = .strings(items)
            }
            config.set(key.name, value, from: .init(origin: .environment(name)))
        }
    }

    private static func suggestion(for name: String) -> String {
        let candidates = ConfigSchema.keys.map(\.name)
        let best = candidates.min { editDistance($0, name) < editDistance($1, name) }
        if let best, editDistance(best, name) <= 3 { return " (did you mean '\(best)'?)" }
        return ""
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        DidYouMean.distance(a, b)
    }

    /// `AUTODEV_*` variables autodev reads (or sets for the commands it starts) besides the
    /// settings' own; `AUTODEV_TEST_*` and `AUTODEV_MATCH_*` are families, not names.
    static let otherVariables = ["AUTODEV_THREADS", "AUTODEV_TRACE", "AUTODEV_RUNNING", "AUTODEV_VALIDATING",
                                 "AUTODEV_WORK", "AUTODEV_ACTION", "AUTODEV_PATH", "AUTODEV_REQUIREMENT_KEY", "AUTODEV_SPEC",
                                 "AUTODEV_MAX_OUTPUT_TOKENS", "AUTODEV_TEMPERATURE"]

    /// Set `AUTODEV_*` variables that autodev does not read but that are one typo from one it
    /// does, with that one: `AUTODEV_LOOP_MAX_EVENT_PER_RUN` would otherwise be ignored without
    /// a word. A name close to none is left alone (another tool's, or a CI script's).
    public static func mistypedVariables(_ environment: [String: String]) -> [(name: String, suggestion: String)] {
        let known = ConfigSchema.keys.map(\.environmentName) + otherVariables
        let knownSet = Set(known)
        return environment.keys.sorted().compactMap { name in
            guard name.hasPrefix("AUTODEV_"), !knownSet.contains(name),
                  !name.hasPrefix("AUTODEV_TEST_"), !name.hasPrefix("AUTODEV_MATCH_"),
                  let close = DidYouMean.closest(to: name, among: known) else { return nil }
            return (name, close)
        }
    }
}

/// Finds the line on which a dotted key is set, for error messages (TOMLKit reports positions
/// only for syntax errors).
struct KeyLines {
    private var lines: [String: Int] = [:]

    init(_ text: String) {
        var table = ""
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingSpaces()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                let inner = line.drop { $0 == "[" }.prefix { $0 != "]" }
                table = KeyLines.normalise(String(inner))
                if lines[table] == nil { lines[table] = index + 1 }
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = KeyLines.normalise(String(line[..<equals]))
            let full = table.isEmpty ? key : table + "." + key
            if lines[full] == nil { lines[full] = index + 1 }
        }
    }

    func line(of key: String) -> Int? { lines[key] }

    private static func normalise(_ key: String) -> String {
        key.split(separator: ".").map { part in
            var text = String(part).trimmingSpaces()
            if text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first {
                text = String(text.dropFirst().dropLast())
            }
            return text
        }.joined(separator: ".")
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        let scalars = unicodeScalars.drop { $0 == " " || $0 == "\t" || $0 == "\r" }
        var result = String(String.UnicodeScalarView(scalars))
        while let last = result.unicodeScalars.last, last == " " || last == "\t" || last == "\r" {
            result.unicodeScalars.removeLast()
        }
        return result
    }
}
