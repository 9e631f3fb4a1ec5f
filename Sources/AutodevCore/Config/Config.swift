/// The settings in force for one run: built-in defaults, then `config/autodev.toml`, then
/// `AUTODEV_*` environment variables, then command-line flags.
public struct Config: Sendable {
    public struct Source: Sendable, Equatable, CustomStringConvertible {
        public enum Origin: Sendable, Equatable { case builtIn, file(String, line: Int), environment(String), flag }
        public var origin: Origin
        public var description: String {
            switch origin {
            case .builtIn: "default"
            case .file(let file, let line): "\(file):\(line)"
            case .environment(let name): "environment \(name)"
            case .flag: "command line"
            }
        }
    }

    public private(set) var values: [String: ConfigValue] = [:]
    public private(set) var sources: [String: Source] = [:]
    /// `[[llm.providers]]`, in the order they are tried; empty: tier 5 stays offline.
    public internal(set) var providers: [ProviderConfig] = []

    /// The defaults alone.
    public init() {
        for key in ConfigSchema.keys {
            if let value = key.defaultValue {
                values[key.name] = value
                sources[key.name] = Source(origin: .builtIn)
            }
        }
    }

    mutating func set(_ name: String, _ value: ConfigValue, from source: Source) {
        values[name] = value
        sources[name] = source
    }

    public func int(_ name: String) -> Int {
        if case .int(let value)? = values[name] { return value }
        preconditionFailure("config key \(name) is not an integer")
    }

    public func double(_ name: String) -> Double {
        switch values[name] {
        case .double(let value)?: return value
        case .int(let value)?: return Double(value)
        default: preconditionFailure("config key \(name) is not a number")
        }
    }

    public func bool(_ name: String) -> Bool? {
        if case .bool(let value)? = values[name] { return value }
        return nil
    }

    public func string(_ name: String) -> String {
        if case .string(let value)? = values[name] { return value }
        preconditionFailure("config key \(name) is not a string")
    }

    public func strings(_ name: String) -> [String] {
        if case .strings(let value)? = values[name] { return value }
        return []
    }

    public func optionalInt(_ name: String) -> Int? {
        if case .int(let value)? = values[name] { return value }
        return nil
    }

    /// The globs for one category, built-in or replaced, plus the extra ones.
    public func globs(for category: PathCategory) -> [String] {
        strings("events.\(category.rawValue)") + strings("events.extra_\(category.rawValue)")
    }

    public func priority(of kind: EventKind) -> Int {
        int("events.priorities.\(kind.configName)")
    }
}
