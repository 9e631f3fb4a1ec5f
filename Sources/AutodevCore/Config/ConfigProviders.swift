internal import TOMLKit

/// `[[llm.providers]]`: the models of tier 5, tried in order. Each table is checked field by
/// field; a key in a file is refused (only the NAME of its environment variable is kept).
enum ProviderConfigLoader {
    static let fields: [String: String] = [
        "name": "a short name for messages and records",
        "kind": "openai | anthropic | command",
        "base_url": "the API's base URL (openai: …/v1; anthropic: https://api.anthropic.com)",
        "model": "the model's name at that provider",
        "api_key_env": "the NAME of the environment variable holding the key",
        "timeout_seconds": "a call's total timeout",
        "max_output_tokens": "the longest answer asked for",
        "context_tokens": "the model's context window",
        "temperature": "sampling temperature",
        "edit_format": "whole | search-replace",
        "input_price_per_mtok": "USD per million input tokens",
        "output_price_per_mtok": "USD per million output tokens",
        "command": "for kind = \"command\": run by /bin/sh, prompt on stdin, answer on stdout",
        "requests_per_minute": "0: no limit",
        "tokens_per_minute": "0: no limit",
    ]

    static func load(_ array: TOMLArray, file: String, lines: KeyLines) throws(AutodevError) -> [ProviderConfig] {
        let line = lines.line(of: "llm.providers")
        var providers: [ProviderConfig] = []
        for (index, element) in array.enumerated() {
            let place = "[[llm.providers]] #\(index + 1)"
            guard let table = element.table else {
                throw AutodevError.config(file: file, line: line, key: "llm.providers", "\(place) must be a table")
            }
            func fail(_ problem: String) -> AutodevError {
                .config(file: file, line: line, key: "llm.providers", "\(place): \(problem)")
            }
            for key in table.keys.sorted() where fields[key] == nil {
                if key == "api_key" || key == "key" {
                    throw fail("'\(key)' would put a key in a file; set api_key_env to the NAME of an environment variable that holds it")
                }
                throw fail("unknown key '\(key)'; a provider has: \(fields.keys.sorted().joined(separator: ", "))")
            }
            func string(_ key: String) throws(AutodevError) -> String? {
                guard let value = table[key] else { return nil }
                guard let text = value.string else { throw fail("'\(key)' must be a string (\(fields[key]!))") }
                return text
            }
            func int(_ key: String, _ range: ClosedRange<Int>) throws(AutodevError) -> Int? {
                guard let value = table[key] else { return nil }
                guard let number = value.int, range.contains(number) else {
                    throw fail("'\(key)' must be an integer from \(range.lowerBound) to \(range.upperBound) (\(fields[key]!))")
                }
                return number
            }
            func double(_ key: String, _ range: ClosedRange<Double>) throws(AutodevError) -> Double? {
                guard let value = table[key] else { return nil }
                guard let number = value.double ?? value.int.map(Double.init), range.contains(number) else {
                    throw fail("'\(key)' must be a number from \(range.lowerBound) to \(range.upperBound) (\(fields[key]!))")
                }
                return number
            }
            guard let kindName = try string("kind") else { throw fail("'kind' is missing (openai, anthropic or command)") }
            guard let kind = ProviderConfig.Kind(rawValue: kindName) else {
                throw fail("kind = \"\(kindName)\" is not one of openai, anthropic, command")
            }
            let name = try string("name") ?? "\(kindName)-\(index + 1)"
            if providers.contains(where: { $0.name == name }) { throw fail("the name '\(name)' is used twice") }
            var provider = ProviderConfig(name: name, kind: kind, source: line.map { "\(file):\($0)" } ?? file)
            provider.baseURL = try string("base_url") ?? (kind == .anthropic ? "https://api.anthropic.com" : "")
            provider.model = try string("model") ?? ""
            provider.apiKeyEnv = try string("api_key_env")
            provider.command = try string("command")
            provider.timeoutSeconds = try int("timeout_seconds", 1...86_400) ?? 300
            provider.maxOutputTokens = try int("max_output_tokens", 1...1_000_000) ?? 8192
            provider.contextTokens = try int("context_tokens", 512...100_000_000) ?? 32768
            provider.temperature = try double("temperature", 0...2) ?? 0
            provider.inputPricePerMTok = try double("input_price_per_mtok", 0...100_000) ?? 0
            provider.outputPricePerMTok = try double("output_price_per_mtok", 0...100_000) ?? 0
            provider.requestsPerMinute = try int("requests_per_minute", 0...1_000_000) ?? 0
            provider.tokensPerMinute = try int("tokens_per_minute", 0...1_000_000_000) ?? 0
            if let format = try string("edit_format") {
                guard let parsed = ProviderConfig.EditFormat(rawValue: format) else {
                    throw fail("edit_format = \"\(format)\" is not one of whole, search-replace")
                }
                provider.editFormat = parsed
            }
            switch kind {
            case .command:
                guard let command = provider.command, !command.trimmingSpaces().isEmpty else {
                    throw fail("kind = \"command\" needs 'command' (run by /bin/sh: the prompt on stdin, the answer on stdout)")
                }
            case .openai, .anthropic:
                guard !provider.baseURL.isEmpty else { throw fail("'base_url' is missing (for example https://api.openai.com/v1)") }
                guard provider.baseURL.hasPrefix("http://") || provider.baseURL.hasPrefix("https://") else {
                    throw fail("base_url = \"\(provider.baseURL)\" must start with http:// or https://")
                }
                guard !provider.model.isEmpty else { throw fail("'model' is missing") }
                if provider.command != nil { throw fail("'command' is only for kind = \"command\"") }
            }
            if let variable = provider.apiKeyEnv {
                guard !variable.isEmpty, variable.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                    throw fail("api_key_env must be the NAME of an environment variable (like OPENAI_API_KEY), not a key")
                }
            }
            if provider.maxOutputTokens >= provider.contextTokens {
                throw fail("max_output_tokens (\(provider.maxOutputTokens)) must be below context_tokens (\(provider.contextTokens))")
            }
            providers.append(provider)
        }
        return providers
    }
}
