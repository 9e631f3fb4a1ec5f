@testable import AutodevCore
import Testing

/// The typed handles (`config[.resultsBranch]`) and the one schema table stay equal: a key
/// added to one and not the other, or given another type, fails here rather than at run time.
@Suite struct ConfigSettingsTests {
    @Test func everySchemaKeyHasAHandleOfItsType() {
        let handles = Dictionary(AnySetting.all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for key in ConfigSchema.keys {
            guard let handle = handles[key.name] else {
                Issue.record("'\(key.name)' is in ConfigSchema.keys but has no Setting in ConfigSchema+Settings.swift")
                continue
            }
            #expect(handle.fits(key), "'\(key.name)' is \(key.kind)\(key.defaultValue == nil ? " without a default" : "") in the schema, but its Setting reads \(handle.valueType)")
        }
    }

    @Test func everyHandleNamesOneSchemaKey() {
        var seen: Set<String> = []
        for handle in AnySetting.all {
            #expect(ConfigSchema.byName[handle.name] != nil, "Setting '\(handle.name)' names no key of ConfigSchema.keys")
            #expect(seen.insert(handle.name).inserted, "two Settings name '\(handle.name)'")
        }
        #expect(seen.count == ConfigSchema.keys.count)
    }

    /// Each handle reads the value the loader stored, of its own type, from a file that sets a
    /// key of every type, and the default where nothing set it.
    @Test func handlesReadWhatTheFileSet() throws {
        let config = try ConfigLoader.load(text: """
            [loop]
            results_branch = "review/autodev"

            [loop.recovery]
            backoff_base_seconds = 2
            max_retries = 7

            [validate]
            network = true
            env = ["JAVA_HOME"]

            [diff]
            rename_limit = 50
            """, file: "config/autodev.toml", environment: ["AUTODEV_DIFF_RENAMES": "false"])
        #expect(config[.resultsBranch] == "review/autodev")
        #expect(config[.backoffBaseSeconds] == 2.0)
        #expect(config[.maxRetries] == 7)
        #expect(config[.validateNetwork])
        #expect(config[.validateEnv] == ["JAVA_HOME"])
        #expect(config[.diffRenameLimit] == 50)
        #expect(config[.diffRenames] == false)
        #expect(config.source(of: .diffRenames)?.description == "environment AUTODEV_DIFF_RENAMES")
        #expect(config[.checkpointRef] == "refs/autodev/checkpoint")
        #expect(config.source(of: .checkpointRef)?.description == "default")

        let defaults = Config()
        #expect(defaults[.diffRenames] == nil)
        #expect(defaults[.diffRenameLimit] == nil)
        #expect(defaults[.priority(.testFailed)] == EventKind.testFailed.defaultPriority)
    }
}
