internal import AutodevCore
internal import AutodevGit
internal import AutodevSupport

/// The opened repository and the configuration in force for one command.
struct Session {
    let repository: Repository
    let config: Config

    static func open(_ options: GlobalOptions) throws -> Session {
        let repository: Repository
        do {
            repository = try Repository.discover(from: options.startDirectory)
        } catch let error as GitError {
            throw RangeResolver.translate(error, repository: nil)
        }
        Trace.phase("repository")
        let environment = Environment.variables()
        for (name, meant) in ConfigLoader.mistypedVariables(environment) {
            Output.diagnostic("autodev: warning: \(name) is not a variable autodev reads, so it has no effect. Did you mean '\(meant)'?")
        }
        let config = try ConfigFile.load(for: repository, environment: environment)
        return Session(repository: repository, config: config)
    }
}
