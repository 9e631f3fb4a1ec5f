internal import AutodevGit

/// The tiers that answer a piece of work, cheapest first. Tiers 3 (cache), 4 (similar) and the
/// LLM providers of tier 5 plug in here later; today tier 5 is offline: the request is written
/// out, ready to send.
enum TierName: String, Sendable, Codable, CaseIterable {
    case pattern, template, cache, similar, llm, offline
}

/// A request for an LLM, written to `.auto-dev/loop/pending/ID.json` while no provider is set.
struct OfflineRequest: Sendable, Codable, Equatable {
    public var schemaVersion = 1
    public var work: String
    public var action: DecisionAction
    public var reason: String
    public var path: String
    public var requirement: WorkItem.RequirementFields?
    public var links: [String]
    public var prompt: String
    /// Characters ÷ 4, the usual rough count.
    public var estimatedTokens: Int
}

struct Resolution: Sendable {
    public enum Kind: Sendable {
        /// Generated files, by path.
        case files([String: [UInt8]])
        /// Settled without files (a pattern's skip, a reload, a validation with nothing to run).
        case done
        /// Needs an LLM.
        case request(OfflineRequest)
        /// A starting point, not an answer: the resolver passes the work on to tier 5 with it.
        case scaffold([String: [UInt8]])
    }

    public var tier: TierName
    public var kind: Kind
    /// What happened, for the summary and the decision log.
    public var note: String
    /// What wrote each file (`template 'stub' (config/templates/stub.mustache)`), for messages
    /// about outputs that collide.
    public var origins: [String: String] = [:]
    /// Files that settle the work only when `[validate] command` passes with them (a pattern's
    /// generator, a `kind: answer` template).
    public var gated = false
    /// A scaffold's files, shown to the model as the starting point of a `.request`.
    public var scaffold: [String: [UInt8]] = [:]
    /// Rendered by a template (tier 2, or a pattern's `then = "template"`).
    public var fromTemplate = false
}

/// One tier: answers a piece of work, or passes it on (nil) to the next, costlier tier. The
/// cache, similarity and LLM tiers implement this too when they arrive.
protocol Tier {
    var name: TierName { get }
    func resolve(_ item: WorkItem, dryRun: Bool) throws(AutodevError) -> Resolution?
}

/// Tier 1: `config/patterns.toml`, and the actions that never need generation.
struct PatternTier: Tier {
    let patterns: PatternRules
    let templates: TemplateLibrary
    let repository: Repository
    let base: ObjectID?
    /// Where generator commands run (code autodev did not write).
    let sandbox: Sandbox
    /// Generator outcomes already computed, concurrently, by work id.
    let generated: [String: Result<[String: [UInt8]], AutodevError>]
    var name: TierName { .pattern }

    func resolve(_ item: WorkItem, dryRun: Bool) throws(AutodevError) -> Resolution? {
        if let (rule, captures) = try patterns.match(item) {
            switch rule.then {
            case .skip(let reason):
                return Resolution(tier: .pattern, kind: .done, note: "skipped by pattern '\(rule.name)': \(reason)")
            case .template(let name):
                let template = templates.named(name)!
                let (path, content) = templates.render(template, for: item, extra: captures)
                let files = [path: Array(content.utf8)]
                return Resolution(tier: .pattern, kind: template.isAnswer ? .files(files) : .scaffold(files),
                                  note: "pattern '\(rule.name)' rendered template '\(name)'",
                                  origins: [path: "pattern '\(rule.name)' with template '\(name)' (\(template.file))"], gated: template.isAnswer,
                                  fromTemplate: true)
            case .command(let command, let timeout):
                if dryRun {
                    return Resolution(tier: .pattern, kind: .done, note: "pattern '\(rule.name)' would run: \(command)")
                }
                let files: [String: [UInt8]]
                switch generated[item.id] {
                case .success(let computed)?: files = computed
                case .failure(let error)?: throw error
                case nil:
                    files = try Generator(repository: repository, base: base, sandbox: sandbox)
                        .run(command, timeoutSeconds: timeout, patternName: rule.name, item: item, captures: captures)
                }
                return Resolution(tier: .pattern, kind: files.isEmpty ? .done : .files(files),
                                  note: "pattern '\(rule.name)' ran '\(command)': \(files.count) file\(files.count == 1 ? "" : "s") changed",
                                  origins: files.mapValues { _ in "pattern '\(rule.name)' command '\(command)'" }, gated: true)
            }
        }
        switch item.action {
        case .reload:
            return Resolution(tier: .pattern, kind: .done, note: "configuration is read afresh by every run; nothing else to do")
        case .validate:
            return Resolution(tier: .pattern, kind: .done, note: "no validation command is configured; nothing run")
        default:
            return nil
        }
    }
}

/// Tier 2: the templates whose `when:` lists the decision's action.
struct TemplateTier: Tier {
    let templates: TemplateLibrary
    var name: TierName { .template }

    func resolve(_ item: WorkItem, dryRun: Bool) throws(AutodevError) -> Resolution? {
        let applicable = templates.applicable(to: item)
        guard !applicable.isEmpty else { return nil }
        var files: [String: [UInt8]] = [:]
        var origins: [String: String] = [:]
        for template in applicable {
            let (path, content) = templates.render(template, for: item)
            let origin = "template '\(template.name)' (\(template.file))"
            if let other = origins[path] {
                let subject = item.requirement.map { "\($0.key) (\($0.spec))" } ?? item.path
                throw AutodevError(.outputCollision, """
                    \(origin) and \(other) both render \(path) for \(subject) (work \(item.id)); it stays pending and none of its \
                    files were written. Give each template its own 'path:', then run sync again
                    """)
            }
            files[path] = Array(content.utf8)
            origins[path] = origin
        }
        // Answers only when every template says so; any scaffold makes the whole a starting point.
        let answer = applicable.allSatisfy(\.isAnswer)
        return Resolution(tier: .template, kind: answer ? .files(files) : .scaffold(files),
                          note: "rendered " + applicable.map { "'\($0.name)'" }.joined(separator: ", "), origins: origins, gated: answer, fromTemplate: true)
    }
}

/// Tier 5 while no provider is configured: a ready-to-send request.
struct OfflineTier: Tier {
    var name: TierName { .offline }

    func resolve(_ item: WorkItem, dryRun: Bool) throws(AutodevError) -> Resolution? {
        let prompt = TierResolver.prompt(for: item)
        let request = OfflineRequest(work: item.id, action: item.action, reason: item.reason, path: item.path,
                                     requirement: item.requirement, links: item.links, prompt: prompt,
                                     estimatedTokens: max(1, prompt.utf8.count / 4))
        return Resolution(tier: .offline, kind: .request(request), note: "needs an LLM: request written for later (no provider configured)")
    }
}

/// The tiers in order; the first that answers wins.
struct TierResolver {
    let tiers: [any Tier]
    /// Whether `[validate] command` is configured: without it an answer template cannot show it
    /// is one, and is a scaffold.
    let hasGate: Bool

    init(patterns: PatternRules, templates: TemplateLibrary, repository: Repository, base: ObjectID?,
         sandbox: Sandbox, generated: [String: Result<[String: [UInt8]], AutodevError>] = [:], hasGate: Bool = false) {
        self.hasGate = hasGate
        tiers = [PatternTier(patterns: patterns, templates: templates, repository: repository, base: base, sandbox: sandbox,
                             generated: generated),
                 TemplateTier(templates: templates),
                 OfflineTier()]
    }

    func resolve(_ item: WorkItem, dryRun: Bool) throws(AutodevError) -> Resolution {
        for tier in tiers {
            guard let resolution = try tier.resolve(item, dryRun: dryRun) else { continue }
            if case .files(let files) = resolution.kind, resolution.fromTemplate, !hasGate {
                // An answer template with no check to pass: a starting point like any other.
                return Self.scaffolded(item, files, from: resolution)
            }
            if case .scaffold(let files) = resolution.kind { return Self.scaffolded(item, files, from: resolution) }
            return resolution
        }
        preconditionFailure("the offline tier answers everything")
    }

    /// Work a template only scaffolded goes on to tier 5 with the scaffold as its starting point.
    static func scaffolded(_ item: WorkItem, _ files: [String: [UInt8]], from resolution: Resolution) -> Resolution {
        var request = try! OfflineTier().resolve(item, dryRun: false)!
        guard case .request(var offline) = request.kind else { return request }
        offline.prompt += scaffoldText(files, note: resolution.note)
        offline.estimatedTokens = max(1, offline.prompt.utf8.count / 4)
        request.kind = .request(offline)
        request.scaffold = files
        request.origins = resolution.origins
        request.note = "scaffolded (\(resolution.note)); " + request.note
        return request
    }

    /// The scaffold as a request shows it: a starting point to complete, not code that exists.
    static func scaffoldText(_ files: [String: [UInt8]], note: String) -> String {
        var text = "\n\nA starting point for this work (\(note); a scaffold, not an answer: complete or replace it):\n"
        for (path, content) in files.sorted(by: { $0.key < $1.key }) {
            text += "\n\(path)\n```\n\(String(decoding: content.prefix(20_000), as: UTF8.self))\n```\n"
        }
        return text
    }

    static func prompt(for item: WorkItem) -> String {
        var lines: [String] = []
        switch item.action {
        case .newImplementation: lines.append("Implement this requirement.")
        case .updateImplementation: lines.append("Update the implementation of this requirement to match its new text.")
        case .retireImplementation: lines.append("Propose how to retire the implementation of this removed requirement. Do not delete silently.")
        case .implementToPassTest: lines.append("Implement the code that makes the test \(item.detail) in \(item.path) pass.")
        case .fixFailingTest: lines.append("Fix the code so that the failing test \(item.detail) in \(item.path) passes.")
        default: lines.append(item.reason)
        }
        if let requirement = item.requirement {
            lines.append("")
            lines.append("\(requirement.key): \(requirement.title) (\(requirement.spec), \(requirement.format.rawValue))")
            lines.append(requirement.text)
        }
        if !item.links.isEmpty {
            lines.append("")
            lines.append("Linked paths: " + item.links.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
