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
        let config = try ConfigFile.load(for: repository, environment: Environment.variables())
        return Session(repository: repository, config: config)
    }
}
