public import AutodevGit

/// One repository as autodev sees it: the repository, the configuration in force, the
/// environment, the state folder, the spending ledger, the locks, the answer cache, the shared
/// store and the providers. Every command opens one (the CLI's `Workspace.open`) and reads what
/// it needs from it; `Sync` runs over one. The costly parts — the shared store's connection,
/// the answer cache's database, the providers — are made only when asked for, so a command that
/// only reads paths opens nothing.
///
/// Not `Sendable`: a command's thread owns it (the shared store is made once and kept).
public final class Workspace {
    public let repository: Repository
    public let config: Config
    public let environment: [String: String]
    public let clock: any WallClock
    /// Builds the HTTP providers (module AutodevLLM, passed in by the CLI); nil: only
    /// `command` providers can be used.
    let providerFactory: LLMProviderFactory?
    let commandRunner: any CommandRunner
    /// `.auto-dev/`: state, run records, metrics, the answer cache, the work tree's lock.
    public let store: StateStore
    /// Called at the named fault-injection steps of the parts the workspace opens (the shared
    /// store's reservation, the answer cache's write); `Sync` sets it to its own `step`.
    var faultStep: (FaultPoint) -> Void = { _ in }
    /// The organisation's shared store (`[store] url`), made on first use (`sharedStore()`).
    private var postgres: PostgresStore?

    public init(repository: Repository, config: Config, environment: [String: String], clock: any WallClock = SystemClock(),
                providerFactory: LLMProviderFactory? = nil, commandRunner: any CommandRunner = ProcessRunner()) {
        self.repository = repository
        self.config = config
        self.environment = environment
        self.clock = clock
        self.providerFactory = providerFactory
        self.commandRunner = commandRunner
        self.store = StateStore(root: Workspace.stateRoot(for: repository))
    }

    // MARK: Paths

    /// `.auto-dev` in the work tree; `autodev` inside the git folder of a bare repository.
    public static func stateRoot(for repository: Repository) -> String {
        if let workdir = repository.workdir { return workdir + ".auto-dev" }
        return repository.gitDirectory + "autodev"
    }

    /// The spending ledger: in the git folder, so that losing `.auto-dev/` forgets no money.
    public static func ledgerPath(for repository: Repository) -> String {
        repository.commonDirectory + (repository.commonDirectory.hasSuffix("/") ? "" : "/") + "autodev/spend.jsonl"
    }

    public var stateRoot: String { store.root }
    /// This clone's spending ledger (`ledgerPath(for:)`).
    public var ledger: SpendLedger { SpendLedger(path: Workspace.ledgerPath(for: repository)) }
    /// The work tree or, for a bare repository, the git folder: where commands run.
    public var directory: String { repository.workdir ?? repository.gitDirectory }

    public var resultsBranch: String { config[.resultsBranch] }
    public var resultsRef: String { "refs/heads/" + resultsBranch }
    public var checkpointRef: String { config[.checkpointRef] }
    /// The queue of unfinished work beside the checkpoint (a linked work tree has its own).
    public var queueRef: String { WorkQueue.ref(forCheckpoint: checkpointRef) }
    /// One sync at a time in this work tree (`.auto-dev/loop/sync.lock`).
    var worktreeLockPath: String { store.lockPath }
    /// One sync at a time in the whole repository, whichever work tree it runs in: work trees
    /// share the results branch (and git's refs), so runs in two of them must not interleave.
    /// Taken after the work tree's own lock, always in that order.
    var repositoryLockPath: String { repository.commonDirectory + "autodev/sync.lock" }

    // MARK: Opened on demand

    /// The organisation's shared store, or nil without `[store] url`. Made once per workspace
    /// and not connected until first used, so a sync that makes no call never reaches the
    /// database.
    func sharedStore() throws(AutodevError) -> PostgresStore? {
        if let postgres { return postgres }
        guard let settings = StoreSettings(config: config, repository: repository) else { return nil }
        let store = PostgresStore(settings: settings, password: try settings.password(environment: environment))
        store.whileReserving = { [unowned self] in faultStep(.storeReserving) }
        postgres = store
        return store
    }

    /// The answer cache of tiers 3 and 4, or nil when `cache_ttl_hours = 0` turns it off. A
    /// cache that cannot be opened is an error for `autodev cache` and a note for `sync` (it only
    /// saves calls). With `[store] url` the answers are the shared store's; in a sync (`inSync`
    /// receives the warning) a store that cannot be reached leaves the clone's own cache.
    public func openAnswerCache(inSync warn: ((String) -> Void)? = nil) throws(AutodevError) -> (any AnswerCache)? {
        let ttl = config[.cacheTTLHours]
        guard ttl > 0 else { return nil }
        if let shared = try sharedStore() {
            let cache = PostgresAnswerCache(store: shared, ttlHours: ttl, maxMegabytes: config[.cacheMaxMB],
                                            tolerant: warn != nil)
            guard let warn else { return cache }
            cache.warn = warn
            do {
                _ = try shared.connected()
                return cache
            } catch {
                warn("\(error.message); this run uses the clone's own answer cache")
            }
        }
        let cache = try SQLiteAnswerCache(path: SQLiteAnswerCache.path(stateRoot: store.root), ttlHours: ttl,
                                          maxMegabytes: config[.cacheMaxMB])
        cache.beforeCommit = { [self] in faultStep(.cacheWrite) }
        return cache
    }

    /// The configured providers, in order: `command` ones built here, HTTP ones by the factory.
    /// Made afresh on each call (a run's passes each get their own).
    public func makeProviders() throws(AutodevError) -> [any LLMProvider] {
        var providers: [any LLMProvider] = []
        for provider in config.providers {
            switch provider.kind {
            case .command:
                providers.append(CommandProvider(config: provider, environment: environment, directory: directory, runner: commandRunner,
                                                 errorLog: store.loop + "/logs/provider-\(provider.name).log"))
            case .openai, .anthropic:
                guard let providerFactory else {
                    throw AutodevError(.invalidConfig, "provider '\(provider.name)' (\(provider.source)): kind = \"\(provider.kind.rawValue)\" needs the HTTP client, which this command does not load",
                                       key: "llm.providers")
                }
                providers.append(try providerFactory(provider, environment))
            }
        }
        return providers
    }

    /// The blobs of files autodev generated, as a run would ignore them: those the state
    /// records and those on the results branch. Read only, for previews (`diff-events`) that
    /// must decide as the run does.
    public func producedBlobs() -> Set<ObjectID> {
        var produced = Set(store.peekProduced().compactMap(ObjectID.init(hex:)))
        if let tip = try? repository.referenceTarget(resultsRef),
           let files = try? ResultsBranch(repository: repository, ref: resultsRef).generatedFiles(on: tip) {
            produced.formUnion(files.values)
        }
        return produced
    }

    func gitCall<T>(_ body: () throws -> T) throws(AutodevError) -> T {
        try AutodevCore.gitCall(repository, body)
    }
}
