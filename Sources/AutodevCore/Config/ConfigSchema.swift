/// A configuration value.
public enum ConfigValue: Sendable, Equatable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case bool(Bool)
    case string(String)
    case strings([String])

    public var description: String {
        switch self {
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .bool(let value): String(value)
        case .string(let value): "\"\(value)\""
        case .strings(let values): "[" + values.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        }
    }
}

/// One configuration key: its dotted name, type, range, default and meaning.
public struct ConfigKey: Sendable {
    public enum Kind: Sendable, Equatable {
        case int(ClosedRange<Int>)
        case double(ClosedRange<Double>)
        case bool
        case string
        case strings
        /// A boolean that may be unset: the default then comes from elsewhere (git config).
        case optionalBool
    }

    public let name: String
    public let kind: Kind
    /// nil only for `.optionalBool` keys with no built-in default.
    public let defaultValue: ConfigValue?
    public let help: String

    /// `AUTODEV_LOOP_MAX_EVENTS_PER_RUN` for `loop.max_events_per_run`.
    public var environmentName: String {
        "AUTODEV_" + name.uppercased().replacingDotsWithUnderscores()
    }
}

extension String {
    func replacingDotsWithUnderscores() -> String {
        String(map { $0 == "." ? "_" : $0 })
    }
}

/// Every key autodev understands. Unknown keys are errors, so typos are caught.
public enum ConfigSchema {
    public static let keys: [ConfigKey] = {
        var keys: [ConfigKey] = [
            ConfigKey(name: "version", kind: .int(1...1), defaultValue: .int(1),
                      help: "Configuration format version."),
            // [loop]
            ConfigKey(name: "loop.max_events_per_run", kind: .int(1...1_000_000), defaultValue: .int(200),
                      help: "Events taken from the queue in one run; the rest stay pending."),
            ConfigKey(name: "loop.max_llm_calls_per_run", kind: .int(0...100_000), defaultValue: .int(20),
                      help: "LLM calls allowed in one run (each retry is a call)."),
            ConfigKey(name: "loop.max_tokens_per_run", kind: .int(0...1_000_000_000), defaultValue: .int(200_000),
                      help: "LLM tokens (prompt + answer) allowed in one run."),
            ConfigKey(name: "loop.max_concurrent_tasks", kind: .int(1...64), defaultValue: .int(4),
                      help: "Pieces of work resolved at the same time."),
            ConfigKey(name: "loop.max_run_seconds", kind: .int(1...86_400), defaultValue: .int(900),
                      help: "Deadline of a run for retries and rate-limit waits; work that would wait past it stays pending or goes to the next provider."),
            ConfigKey(name: "loop.results_branch", kind: .string, defaultValue: .string("autodev/results"),
                      help: "Branch that receives generated work for review."),
            ConfigKey(name: "loop.checkpoint_ref", kind: .string, defaultValue: .string("refs/autodev/checkpoint"),
                      help: "Reference recording the last processed commit."),
            // [loop.llm_optimization]
            ConfigKey(name: "loop.llm_optimization.batch_size", kind: .int(1...100), defaultValue: .int(20),
                      help: "Work items of one feature asked in one request (one step of a change); a step whose prompt would cut an item's files is split."),
            ConfigKey(name: "loop.llm_optimization.max_context_tokens", kind: .int(256...10_000_000), defaultValue: .int(32000),
                      help: "Tokens one request may hold (spec, contracts, the code to change), within the provider's context_tokens - max_output_tokens."),
            ConfigKey(name: "loop.llm_optimization.similarity_threshold", kind: .double(0...1), defaultValue: .double(0.85),
                      help: "How alike an earlier request must be for its answer to be reused (tier 4)."),
            ConfigKey(name: "loop.llm_optimization.cache_ttl_hours", kind: .int(0...100_000), defaultValue: .int(168),
                      help: "How long a cached answer stays valid (tiers 3 and 4); 0 turns the cache off."),
            ConfigKey(name: "loop.llm_optimization.cache_max_mb", kind: .int(0...1_000_000), defaultValue: .int(256),
                      help: "Size cap of the answer cache; least recently used answers go first; 0: no cap."),
            // [loop.recovery]
            ConfigKey(name: "loop.recovery.max_retries", kind: .int(0...100), defaultValue: .int(3),
                      help: "Retries of a transient failure or a failed validation."),
            ConfigKey(name: "loop.recovery.backoff_base_seconds", kind: .double(0...3600), defaultValue: .double(1),
                      help: "First retry delay; it doubles each retry."),
            ConfigKey(name: "loop.recovery.backoff_max_seconds", kind: .double(0...86_400), defaultValue: .double(60),
                      help: "Longest retry delay."),
            ConfigKey(name: "loop.recovery.circuit_breaker_threshold", kind: .int(1...1000), defaultValue: .int(5),
                      help: "Consecutive failures that open a provider's circuit breaker."),
            ConfigKey(name: "loop.recovery.circuit_breaker_reset_seconds", kind: .int(1...86_400), defaultValue: .int(300),
                      help: "How long an open breaker waits before trying again."),
            // [llm]
            ConfigKey(name: "llm.enabled", kind: .bool, defaultValue: .bool(true),
                      help: "Send work to the [[llm.providers]]; false keeps tier 5 offline (requests written to loop/pending/)."),
            // [llm.budget]: USD at the providers' prices; 0 is no cap
            ConfigKey(name: "llm.budget.max_cost_per_run", kind: .double(0...1_000_000), defaultValue: .double(1),
                      help: "USD one run may spend on models; a call that could pass it waits for the next run (0: no cap)."),
            ConfigKey(name: "llm.budget.max_cost_per_day", kind: .double(0...1_000_000), defaultValue: .double(10),
                      help: "USD per UTC day; work that would pass it waits until 00:00 UTC (0: no cap)."),
            ConfigKey(name: "llm.budget.max_cost_per_month", kind: .double(0...10_000_000), defaultValue: .double(100),
                      help: "USD per UTC month; work that would pass it waits until the 1st (0: no cap)."),
            ConfigKey(name: "llm.budget.max_tokens_per_day", kind: .int(0...1_000_000_000_000), defaultValue: .int(0),
                      help: "Tokens (in + out) per UTC day over all providers (0: no cap)."),
            // [triage]
            ConfigKey(name: "triage.enabled", kind: .bool, defaultValue: .bool(true),
                      help: "With a provider configured, decisions the rules are unsure of (a requirement reworded by a few words) go to the first provider as one batched yes/no question per run; answers are remembered. Without a provider, or false: the rules decide alone."),
            ConfigKey(name: "triage.max_items", kind: .int(1...200), defaultValue: .int(40),
                      help: "Doubts asked in one triage question; the rest keep the rules' decision."),
            // [store]: the organisation's shared store (Store/StoreSettings.swift)
            ConfigKey(name: "store.url", kind: .string, defaultValue: .string(""),
                      help: "A PostgreSQL database (\"postgresql://user@host:5432/db\") that holds the spending ledger, breakers, limiter windows and answer cache for every repository and runner pointing at it; never a password (see store.password_env); empty: this clone's own files."),
            ConfigKey(name: "store.password_env", kind: .string, defaultValue: .string(""),
                      help: "The environment variable holding the database password; empty: libpq's own PGPASSWORD or ~/.pgpass."),
            ConfigKey(name: "store.repository", kind: .string, defaultValue: .string(""),
                      help: "This repository's name in the shared store, which [llm.budget] caps per repository; empty: remote.origin.url without credentials, else the git folder's path."),
            ConfigKey(name: "store.connect_timeout_seconds", kind: .int(1...300), defaultValue: .int(5),
                      help: "How long to wait for the database before going on with the local store (with a warning)."),
            ConfigKey(name: "store.org_max_cost_per_day", kind: .double(0...10_000_000), defaultValue: .double(0),
                      help: "USD per UTC day for every repository in the shared store together (0: no organisation cap; [llm.budget] still caps each repository)."),
            ConfigKey(name: "store.org_max_cost_per_month", kind: .double(0...100_000_000), defaultValue: .double(0),
                      help: "USD per UTC month for every repository in the shared store together (0: no organisation cap)."),
            // [health]
            ConfigKey(name: "health.min_free_disk_mb", kind: .int(0...10_000_000), defaultValue: .int(100),
                      help: "A sync refuses to start with less free space where .auto-dev/ or the repository live (0: no floor)."),
            ConfigKey(name: "health.max_error_rate", kind: .double(0...1), defaultValue: .double(0.1),
                      help: "Above this share of failed LLM calls (at least 10 calls in the breaker's reset period), LLM work waits: safe mode."),
            ConfigKey(name: "health.min_quota_fraction", kind: .double(0...1), defaultValue: .double(0.1),
                      help: "Below this share of budget or header quota left, a provider's work goes to the next provider."),
            // [validate]
            ConfigKey(name: "validate.command", kind: .string, defaultValue: .string(""),
                      help: "The project's own checks, run by /bin/sh in a scratch copy of the processed commit with the generated files, in the sandbox; empty: none."),
            ConfigKey(name: "validate.report", kind: .string, defaultValue: .string(""),
                      help: "A JUnit XML report the command writes, relative to the checked copy (e.g. \"junit.xml\"): answers are then judged by the tests they break against the processed commit's own failures; empty: by the exit status alone."),
            ConfigKey(name: "validate.timeout_seconds", kind: .int(1...86_400), defaultValue: .int(900),
                      help: "How long the validation command may run."),
            ConfigKey(name: "validate.sandbox", kind: .string, defaultValue: .string("bwrap"),
                      help: "\"bwrap\": the validation and generator commands run under bubblewrap (read-only system, scratch copy writable, no home, no keys, no network); \"none\": unconfined (the environment is still the allowlist)."),
            ConfigKey(name: "validate.network", kind: .bool, defaultValue: .bool(false),
                      help: "Let the sandboxed validation and generator commands use the network."),
            ConfigKey(name: "validate.env", kind: .strings, defaultValue: .strings([]),
                      help: "Environment variables passed to the validation and generator commands besides PATH, HOME, LANG, LC_*, TERM, TZ and toolchain variables; never a provider key or a name like *_KEY, *_TOKEN, *_SECRET."),
            // [answers]
            ConfigKey(name: "answers.max_files", kind: .int(1...100_000), defaultValue: .int(200),
                      help: "Files one model answer may write; an answer with more is refused while it is read (malformed), as one that never ends."),
            ConfigKey(name: "answers.allow_paths", kind: .strings, defaultValue: .strings([]),
                      help: "Globs of protected paths generated work may write all the same: .gitmodules, .gitattributes, .gitignore, CI workflows (.github/workflows/, .gitlab-ci.yml, ...), hook-manager configs."),
            // [diff]
            ConfigKey(name: "diff.renames", kind: .optionalBool, defaultValue: nil,
                      help: "Detect renames; default: the repository's git config diff.renames, else true."),
            ConfigKey(name: "diff.rename_limit", kind: .int(0...1_000_000), defaultValue: nil,
                      help: "Skip inexact rename detection above this many sources x destinations (squared); default: git config diff.renameLimit, else 1000; 0 is unlimited."),
        ]
        for category in PathCategory.allCases {
            keys.append(ConfigKey(name: "events.\(category.rawValue)", kind: .strings,
                                  defaultValue: .strings(DefaultGlobs.globs(for: category)),
                                  help: "Globs for \(category.rawValue), read as the lines of a .gitignore; replaces the built-in list."))
            keys.append(ConfigKey(name: "events.extra_\(category.rawValue)", kind: .strings, defaultValue: .strings([]),
                                  help: "Globs added after events.\(category.rawValue) (a ! glob takes out what it took in)."))
        }
        for kind in EventKind.allCases {
            keys.append(ConfigKey(name: "events.priorities.\(kind.configName)", kind: .int(0...1000),
                                  defaultValue: .int(kind.defaultPriority),
                                  help: "Priority of \(kind.rawValue) events; higher runs first."))
        }
        return keys
    }()

    public static let byName: [String: ConfigKey] = Dictionary(uniqueKeysWithValues: keys.map { ($0.name, $0) })

    /// Table names that may appear as `[section]` headers.
    static let tables: Set<String> = {
        var tables: Set<String> = []
        for key in keys {
            var parts = key.name.split(separator: ".").map(String.init)
            parts.removeLast()
            while !parts.isEmpty {
                tables.insert(parts.joined(separator: "."))
                parts.removeLast()
            }
        }
        return tables
    }()
}
