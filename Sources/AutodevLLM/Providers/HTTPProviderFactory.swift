public import AutodevCore

/// Builds the provider for an `openai` or `anthropic` table, reading its key from
/// `environment` (a missing variable is a configuration error, before any call).
public func httpProvider(for config: ProviderConfig, environment: [String: String],
                         clock: any WallClock = SystemClock()) throws(AutodevError) -> any LLMProvider {
    switch config.kind {
    case .openai: return try OpenAIProvider(config: config, environment: environment, clock: clock)
    case .anthropic: return try AnthropicProvider(config: config, environment: environment, clock: clock)
    case .command:
        throw AutodevError(.invalidConfig, "provider '\(config.name)': kind = \"command\" is not an HTTP provider (the core runs commands)",
                           key: "llm.providers.kind")
    }
}

/// The factory the CLI hands to the core for the HTTP kinds.
public let makeHTTPProvider: LLMProviderFactory = { config, environment throws(AutodevError) in
    try httpProvider(for: config, environment: environment)
}
