internal import AutodevCore

extension AutodevCommand {
    /// `autodev config --effective`: the settings in force and where each comes from.
    struct ConfigCommand {
        static let spec = CommandSpec(
            name: "config",
            abstract: "Print the configuration in force: every key, its value and where it comes from.",
            discussion: "Precedence: AUTODEV_<KEY> environment variables over config/autodev.toml over the built-in defaults.",
            options: [
                .flag("effective", "Print the effective configuration (the only mode for now)."),
                .flag("json", "Print one JSON object: {key: {value, source}}."),
            ])

        let global: GlobalOptions
        let effective: Bool
        let json: Bool

        init(_ arguments: ParsedArguments, directory: String?) {
            global = GlobalOptions(directory: directory)
            effective = arguments.flag("effective")
            json = arguments.flag("json")
        }

        struct Entry: Encodable {
            var value: String
            var source: String
        }

        func run() throws {
            let workspace = try Workspace.open(global)
            let config = workspace.config
            var entries: [(String, Entry)] = []
            for key in ConfigSchema.keys {
                let value = config.values[key.name].map(\.description) ?? "(unset: git config decides)"
                entries.append((key.name, Entry(value: value, source: config.sources[key.name]?.description ?? "default")))
            }
            // Providers: each field as configured. Keys never sit in the configuration (only the
            // NAME of their variable), so nothing here can print one.
            for (index, provider) in config.providers.enumerated() {
                let prefix = "llm.providers[\(index)]"
                var fields: [(String, String)] = [("name", provider.name), ("kind", provider.kind.rawValue), ("model", provider.model)]
                if provider.kind == .command { fields.append(("command", provider.command ?? "")) } else { fields.append(("base_url", provider.baseURL)) }
                if let variable = provider.apiKeyEnv { fields.append(("api_key_env", variable)) }
                fields += [("timeout_seconds", String(provider.timeoutSeconds)), ("max_output_tokens", String(provider.maxOutputTokens)),
                           ("context_tokens", String(provider.contextTokens)), ("temperature", String(provider.temperature)),
                           ("edit_format", provider.editFormat.rawValue), ("input_price_per_mtok", String(provider.inputPricePerMTok)),
                           ("output_price_per_mtok", String(provider.outputPricePerMTok))]
                for (field, value) in fields { entries.append(("\(prefix).\(field)", Entry(value: value, source: provider.source))) }
            }
            if json {
                Output.write(try JSONOutput.encode(Dictionary(uniqueKeysWithValues: entries)) + "\n")
                return
            }
            let width = entries.map(\.0.count).max() ?? 0
            var out = ""
            for (name, entry) in entries {
                out += name + String(repeating: " ", count: width - name.count) + " = " + entry.value + "    # " + entry.source + "\n"
            }
            Output.write(out)
        }
    }
}
