/// A typed handle on one key of the schema (`ConfigSchema.keys`): `config[.resultsBranch]` is
/// a `String`, `config[.maxRetries]` an `Int`, so reading a key as the wrong type does not
/// compile. `ConfigSettingsTests` keeps these handles and the schema equal, key for key and type
/// for type; a new key in the schema needs its handle here.
public struct Setting<Value: SettingValue>: Sendable {
    public let name: String

    init(_ name: String) { self.name = name }
}

/// A type a setting can have, and which schema kinds hold it.
public protocol SettingValue: Sendable {
    /// The value `value` holds, if it holds this type.
    static func read(_ value: ConfigValue?) -> Self?
    /// Whether a schema key of `kind`, with or without a built-in default, reads as this type.
    static func fits(_ kind: ConfigKey.Kind, hasDefault: Bool) -> Bool
}

extension Int: SettingValue {
    public static func read(_ value: ConfigValue?) -> Int? {
        if case .int(let number)? = value { return number }
        return nil
    }

    public static func fits(_ kind: ConfigKey.Kind, hasDefault: Bool) -> Bool {
        if case .int = kind { return hasDefault }
        return false
    }
}

extension Double: SettingValue {
    /// An integer read from TOML or the environment is a number too.
    public static func read(_ value: ConfigValue?) -> Double? {
        switch value {
        case .double(let number)?: number
        case .int(let number)?: Double(number)
        default: nil
        }
    }

    public static func fits(_ kind: ConfigKey.Kind, hasDefault: Bool) -> Bool {
        if case .double = kind { return hasDefault }
        return false
    }
}

extension Bool: SettingValue {
    public static func read(_ value: ConfigValue?) -> Bool? {
        if case .bool(let flag)? = value { return flag }
        return nil
    }

    public static func fits(_ kind: ConfigKey.Kind, hasDefault: Bool) -> Bool { kind == .bool && hasDefault }
}

extension String: SettingValue {
    public static func read(_ value: ConfigValue?) -> String? {
        if case .string(let text)? = value { return text }
        return nil
    }

    public static func fits(_ kind: ConfigKey.Kind, hasDefault: Bool) -> Bool { kind == .string && hasDefault }
}

extension Array: SettingValue where Element == String {
    public static func read(_ value: ConfigValue?) -> [String]? {
        if case .strings(let texts)? = value { return texts }
        return nil
    }

    public static func fits(_ kind: ConfigKey.Kind, hasDefault: Bool) -> Bool { kind == .strings && hasDefault }
}

/// A key with no built-in default (git config decides): nil when neither the file, the
/// environment nor a flag set it.
extension Optional: SettingValue where Wrapped: SettingValue {
    public static func read(_ value: ConfigValue?) -> Wrapped?? {
        guard let value else { return .some(nil) }
        return Wrapped.read(value).map { .some($0) }
    }

    public static func fits(_ kind: ConfigKey.Kind, hasDefault: Bool) -> Bool {
        !hasDefault && Wrapped.fits(kind == .optionalBool ? .bool : kind, hasDefault: true)
    }
}

extension Config {
    /// The value of a setting. The loader only stores values of the schema's kind and every
    /// key with a default has one, so with the handles equal to the schema (the test) the
    /// value is always there.
    public subscript<Value>(_ setting: Setting<Value>) -> Value {
        guard let value = Value.read(values[setting.name]) else {
            preconditionFailure("Setting '\(setting.name)' and ConfigSchema.keys disagree; ConfigSettingsTests names the difference")
        }
        return value
    }

    /// Where the value of a setting came from (file and line, environment, flag, default).
    public func source<Value>(of setting: Setting<Value>) -> Source? { sources[setting.name] }
}

extension Setting where Value == Int {
    public static var version: Self { Self("version") }
    public static var maxEventsPerRun: Self { Self("loop.max_events_per_run") }
    public static var maxLLMCallsPerRun: Self { Self("loop.max_llm_calls_per_run") }
    public static var maxTokensPerRun: Self { Self("loop.max_tokens_per_run") }
    public static var maxConcurrentTasks: Self { Self("loop.max_concurrent_tasks") }
    public static var maxRunSeconds: Self { Self("loop.max_run_seconds") }
    public static var batchSize: Self { Self("loop.llm_optimization.batch_size") }
    public static var maxContextTokens: Self { Self("loop.llm_optimization.max_context_tokens") }
    public static var cacheTTLHours: Self { Self("loop.llm_optimization.cache_ttl_hours") }
    public static var cacheMaxMB: Self { Self("loop.llm_optimization.cache_max_mb") }
    public static var maxRetries: Self { Self("loop.recovery.max_retries") }
    public static var circuitBreakerThreshold: Self { Self("loop.recovery.circuit_breaker_threshold") }
    public static var circuitBreakerResetSeconds: Self { Self("loop.recovery.circuit_breaker_reset_seconds") }
    public static var maxTokensPerDay: Self { Self("llm.budget.max_tokens_per_day") }
    public static var triageMaxItems: Self { Self("triage.max_items") }
    public static var storeConnectTimeoutSeconds: Self { Self("store.connect_timeout_seconds") }
    public static var minFreeDiskMB: Self { Self("health.min_free_disk_mb") }
    public static var validateTimeoutSeconds: Self { Self("validate.timeout_seconds") }
    public static var answersMaxFiles: Self { Self("answers.max_files") }
    /// `events.priorities.<kind>`.
    public static func priority(_ kind: EventKind) -> Self { Self("events.priorities.\(kind.configName)") }
}

extension Setting where Value == String {
    public static var resultsBranch: Self { Self("loop.results_branch") }
    public static var checkpointRef: Self { Self("loop.checkpoint_ref") }
    public static var storeURL: Self { Self("store.url") }
    public static var storePasswordEnv: Self { Self("store.password_env") }
    public static var storeRepository: Self { Self("store.repository") }
    public static var validateCommand: Self { Self("validate.command") }
    public static var validateReport: Self { Self("validate.report") }
    public static var validateSandbox: Self { Self("validate.sandbox") }
}

extension Setting where Value == Double {
    public static var similarityThreshold: Self { Self("loop.llm_optimization.similarity_threshold") }
    public static var backoffBaseSeconds: Self { Self("loop.recovery.backoff_base_seconds") }
    public static var backoffMaxSeconds: Self { Self("loop.recovery.backoff_max_seconds") }
    public static var maxCostPerRun: Self { Self("llm.budget.max_cost_per_run") }
    public static var maxCostPerDay: Self { Self("llm.budget.max_cost_per_day") }
    public static var maxCostPerMonth: Self { Self("llm.budget.max_cost_per_month") }
    public static var orgMaxCostPerDay: Self { Self("store.org_max_cost_per_day") }
    public static var orgMaxCostPerMonth: Self { Self("store.org_max_cost_per_month") }
    public static var maxErrorRate: Self { Self("health.max_error_rate") }
    public static var minQuotaFraction: Self { Self("health.min_quota_fraction") }
}

extension Setting where Value == Bool {
    public static var llmEnabled: Self { Self("llm.enabled") }
    public static var triageEnabled: Self { Self("triage.enabled") }
    public static var validateNetwork: Self { Self("validate.network") }
}

extension Setting where Value == [String] {
    public static var validateEnv: Self { Self("validate.env") }
    public static var answersAllowPaths: Self { Self("answers.allow_paths") }
    /// `events.<category>`: the globs of one category, built-in or replaced.
    public static func globs(_ category: PathCategory) -> Self { Self("events.\(category.rawValue)") }
    /// `events.extra_<category>`: globs added after them.
    public static func extraGlobs(_ category: PathCategory) -> Self { Self("events.extra_\(category.rawValue)") }
}

extension Setting where Value == Bool? {
    public static var diffRenames: Self { Self("diff.renames") }
}

extension Setting where Value == Int? {
    public static var diffRenameLimit: Self { Self("diff.rename_limit") }
}

/// A setting without its value type, for the test that holds the handles equal to the schema.
struct AnySetting: Sendable {
    let name: String
    let valueType: String
    let fits: @Sendable (ConfigKey) -> Bool

    init<Value>(_ setting: Setting<Value>) {
        name = setting.name
        valueType = String(describing: Value.self)
        fits = { key in Value.fits(key.kind, hasDefault: key.defaultValue != nil) }
    }

    /// Every handle: the named ones, then one per path category and event kind.
    static let all: [AnySetting] = {
        var all: [AnySetting] = [
            AnySetting(Setting<Int>.version),
            AnySetting(Setting<Int>.maxEventsPerRun),
            AnySetting(Setting<Int>.maxLLMCallsPerRun),
            AnySetting(Setting<Int>.maxTokensPerRun),
            AnySetting(Setting<Int>.maxConcurrentTasks),
            AnySetting(Setting<Int>.maxRunSeconds),
            AnySetting(Setting<String>.resultsBranch),
            AnySetting(Setting<String>.checkpointRef),
            AnySetting(Setting<Int>.batchSize),
            AnySetting(Setting<Int>.maxContextTokens),
            AnySetting(Setting<Double>.similarityThreshold),
            AnySetting(Setting<Int>.cacheTTLHours),
            AnySetting(Setting<Int>.cacheMaxMB),
            AnySetting(Setting<Int>.maxRetries),
            AnySetting(Setting<Double>.backoffBaseSeconds),
            AnySetting(Setting<Double>.backoffMaxSeconds),
            AnySetting(Setting<Int>.circuitBreakerThreshold),
            AnySetting(Setting<Int>.circuitBreakerResetSeconds),
            AnySetting(Setting<Bool>.llmEnabled),
            AnySetting(Setting<Double>.maxCostPerRun),
            AnySetting(Setting<Double>.maxCostPerDay),
            AnySetting(Setting<Double>.maxCostPerMonth),
            AnySetting(Setting<Int>.maxTokensPerDay),
            AnySetting(Setting<Bool>.triageEnabled),
            AnySetting(Setting<Int>.triageMaxItems),
            AnySetting(Setting<String>.storeURL),
            AnySetting(Setting<String>.storePasswordEnv),
            AnySetting(Setting<String>.storeRepository),
            AnySetting(Setting<Int>.storeConnectTimeoutSeconds),
            AnySetting(Setting<Double>.orgMaxCostPerDay),
            AnySetting(Setting<Double>.orgMaxCostPerMonth),
            AnySetting(Setting<Int>.minFreeDiskMB),
            AnySetting(Setting<Double>.maxErrorRate),
            AnySetting(Setting<Double>.minQuotaFraction),
            AnySetting(Setting<String>.validateCommand),
            AnySetting(Setting<String>.validateReport),
            AnySetting(Setting<Int>.validateTimeoutSeconds),
            AnySetting(Setting<String>.validateSandbox),
            AnySetting(Setting<Bool>.validateNetwork),
            AnySetting(Setting<[String]>.validateEnv),
            AnySetting(Setting<Int>.answersMaxFiles),
            AnySetting(Setting<[String]>.answersAllowPaths),
            AnySetting(Setting<Bool?>.diffRenames),
            AnySetting(Setting<Int?>.diffRenameLimit),
        ]
        for category in PathCategory.allCases {
            all += [AnySetting(Setting<[String]>.globs(category)), AnySetting(Setting<[String]>.extraGlobs(category))]
        }
        all += EventKind.allCases.map { AnySetting(Setting<Int>.priority($0)) }
        return all
    }()
}
