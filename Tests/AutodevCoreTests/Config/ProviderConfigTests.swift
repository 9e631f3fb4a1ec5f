@testable import AutodevCore
import Testing

@Suite struct ProviderConfigTests {
    static func load(_ text: String) throws(AutodevError) -> Config {
        try ConfigLoader.load(text: text, file: "config/autodev.toml", environment: [:])
    }

    @Test func providersAreReadInOrderWithTheirFields() throws {
        let config = try Self.load("""
            [[llm.providers]]
            name = "cloud"
            kind = "anthropic"
            model = "claude-sonnet"
            api_key_env = "ANTHROPIC_API_KEY"
            input_price_per_mtok = 3
            output_price_per_mtok = 15.0

            [[llm.providers]]
            kind = "command"
            command = "llm -m local"
            edit_format = "search-replace"
            """)
        #expect(config.providers.map(\.name) == ["cloud", "command-2"])
        #expect(config.providers[0].baseURL == "https://api.anthropic.com")
        #expect(config.providers[0].cost(inputTokens: 1_000_000, outputTokens: 100_000) == 4.5)
        #expect(config.providers[1].editFormat == .searchReplace)
        #expect(config.providers[0].source == "config/autodev.toml:1")
    }

    @Test(arguments: [
        ("kind = \"openai\"\nbase_url = \"https://x/v1\"\nmodel = \"m\"\napi_key = \"sk-123\"", "would put a key in a file"),
        ("kind = \"gemini\"", "is not one of openai, anthropic, command"),
        ("kind = \"openai\"\nmodel = \"m\"", "'base_url' is missing"),
        ("kind = \"openai\"\nbase_url = \"ftp://x\"\nmodel = \"m\"", "must start with http:// or https://"),
        ("kind = \"command\"", "needs 'command'"),
        ("kind = \"openai\"\nbase_url = \"https://x/v1\"\nmodel = \"m\"\napi_key_env = \"sk-abc def\"", "NAME of an environment variable"),
        ("kind = \"openai\"\nbase_url = \"https://x/v1\"\nmodel = \"m\"\nmax_output_tokens = 9000\ncontext_tokens = 8000", "must be below context_tokens"),
        ("kind = \"command\"\ncommand = \"x\"\ncolour = \"red\"", "unknown key 'colour'"),
        ("kind = \"command\"\ncommand = \"x\"\ntimeout_seconds = 0", "'timeout_seconds' must be an integer from 1"),
    ])
    func aBadProviderIsAConfigurationErrorThatNamesIt(body: String, problem: String) {
        do {
            _ = try Self.load("[[llm.providers]]\n" + body + "\n")
            Issue.record("accepted: \(body)")
        } catch {
            #expect(error.exitStatus == .config)
            #expect(error.message.contains("config/autodev.toml:1"), "\(error.message)")
            #expect(error.message.contains("[[llm.providers]] #1"), "\(error.message)")
            #expect(error.message.contains(problem), "\(error.message)")
            #expect(!error.message.contains("sk-123"))
        }
    }
}
