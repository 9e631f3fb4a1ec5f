@testable import AutodevCore
import Testing

@Suite struct ConfigTests {
    @Test func defaultsApplyWithoutAFile() throws {
        let config = try ConfigLoader.load(text: nil, file: "config/autodev.toml", environment: [:])
        #expect(config[.maxEventsPerRun] == 200)
        #expect(config[.resultsBranch] == "autodev/results")
        #expect(config.sources["loop.max_events_per_run"]?.description == "default")
    }

    @Test func fileThenEnvironmentOverride() throws {
        let config = try ConfigLoader.load(text: """
            [loop]
            max_events_per_run = 50
            max_concurrent_tasks = 2

            [loop.llm_optimization]
            similarity_threshold = 0.9
            """, file: "config/autodev.toml", environment: ["AUTODEV_LOOP_MAX_CONCURRENT_TASKS": "8"])
        #expect(config[.maxEventsPerRun] == 50)
        #expect(config.sources["loop.max_events_per_run"]?.description == "config/autodev.toml:2")
        #expect(config[.maxConcurrentTasks] == 8)
        #expect(config[.similarityThreshold] == 0.9)
    }

    @Test("invalid configuration names the file, key and line", arguments: [
        ("[loop]\nmax_events_per_run = \"many\"\n", "config/autodev.toml:2", "loop.max_events_per_run"),
        ("[loop]\n\nmax_event_per_run = 3\n", "config/autodev.toml:3", "did you mean 'loop.max_events_per_run'"),
        ("[loop]\nmax_concurrent_tasks = 0\n", "config/autodev.toml:2", "from 1 to 64"),
        ("[events]\nextra_specs = [\"#notes\"]\n", "config/autodev.toml:2", "invalid glob '#notes'"),
        ("[loop\nx = 1\n", "config/autodev.toml:1", "invalid TOML"),
    ])
    func invalidConfig(text: String, place: String, fragment: String) {
        #expect {
            _ = try ConfigLoader.load(text: text, file: "config/autodev.toml", environment: [:])
        } throws: { error in
            guard let error = error as? AutodevError else { return false }
            return error.exitStatus == .config && error.message.hasPrefix(place) && error.message.contains(fragment)
        }
    }

    @Test func invalidEnvironmentValuesAreErrors() {
        #expect(throws: AutodevError.self) {
            _ = try ConfigLoader.load(text: nil, file: "f", environment: ["AUTODEV_DIFF_RENAMES": "maybe"])
        }
    }
}
