internal import AutodevCore
internal import AutodevGit
internal import AutodevLLM
internal import AutodevSupport

extension Workspace {
    /// The workspace every command opens: the repository found from `-C` (or the current
    /// folder), the configuration in force, the process environment and the HTTP providers.
    /// A variable that looks like a misspelt autodev setting is warned about here, once.
    static func open(_ options: GlobalOptions, environment: [String: String] = Environment.variables()) throws -> Workspace {
        let repository: Repository
        do {
            repository = try Repository.discover(from: options.startDirectory)
        } catch let error as GitError {
            throw RangeResolver.translate(error, repository: nil)
        }
        Trace.phase("repository")
        for (name, meant) in ConfigLoader.mistypedVariables(environment) {
            Output.diagnostic("autodev: warning: \(name) is not a variable autodev reads, so it has no effect. Did you mean '\(meant)'?")
        }
        let config = try ConfigFile.load(for: repository, environment: environment)
        return Workspace(repository: repository, config: config, environment: environment, providerFactory: makeHTTPProvider)
    }
}
