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

    /// The globs for one category, built-in or replaced, plus the extra ones.
    public func globs(for category: PathCategory) -> [String] {
        self[.globs(category)] + self[.extraGlobs(category)]
    }

    public func priority(of kind: EventKind) -> Int {
        self[.priority(kind)]
    }
}
