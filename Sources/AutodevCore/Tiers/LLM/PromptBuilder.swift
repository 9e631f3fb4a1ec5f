/// Builds the request for one work item, or a batch of items of one spec or feature folder,
/// within a token budget, stable part first so provider prompt caches reuse it:
///
/// system = rules and the answer format (nothing volatile) → user = a repository map → the
/// feature's documents (the spec's body, contracts, plan, design, data model, tasks…) → the
/// existing files they name → per item: the requirement with its criteria, the current content
/// of its linked and target files, of the files its text names and of the files defining the
/// identifiers it mentions, the test to make pass or the failure to fix.
///
/// The budget is spent by relevance (see `PromptAssembly`), never in equal slices. Files
/// `SecretGuard` refuses are never read; everything is redacted before it is cut or emitted.
/// What was cut to fit is reported. The same inputs give byte-identical requests.
struct PromptBuilder {
    /// One piece of work and what the caller knows beyond the work item.
    public struct Item: Sendable {
        public var work: WorkItem
        /// Files the work will write or change besides its links (a template's output path).
        public var targets: [String]
        /// The failure to fix: validation output or a test report's message, already cut to its
        /// relevant part.
        public var failure: String?

        public init(_ work: WorkItem, targets: [String] = [], failure: String? = nil) {
            self.work = work
            self.targets = targets
            self.failure = failure
        }
    }

    public var source: any PromptSource
    public var secrets: SecretGuard
    public var estimator: TokenEstimator
    public var provider: ProviderConfig
    /// `loop.llm_optimization.max_context_tokens`.
    public var maxContextTokens: Int
    /// `loop.llm_optimization.batch_size`.
    public var batchSize: Int

    public init(source: any PromptSource, secrets: SecretGuard = SecretGuard(), estimator: TokenEstimator = TokenEstimator(),
                provider: ProviderConfig, maxContextTokens: Int, batchSize: Int) {
        self.source = source
        self.secrets = secrets
        self.estimator = estimator
        self.provider = provider
        self.maxContextTokens = maxContextTokens
        self.batchSize = batchSize
    }

    /// Tokens the request may hold: min(`max_context_tokens`, the model's window minus its
    /// output tokens).
    public var budget: Int { min(maxContextTokens, provider.contextTokens - provider.maxOutputTokens) }

    /// The system prompt for an edit format: the same bytes for every request of a provider.
    public static func system(for editFormat: ProviderConfig.EditFormat) -> String {
        """
        You are a careful software engineer working on a git repository. Each request holds work \
        items: requirements to implement or update, tests to make pass, failures to fix. Do what \
        each item asks and nothing else; keep the project's language, layout and style; write or \
        update tests where the project has them. Never invent secrets: `[REDACTED <kind>]` marks \
        a secret removed from a file; keep such a line as it is. Do not delete files; say in one \
        sentence outside the blocks if a file should go. Your answer is applied as one change and, \
        when the project has a check (its tests), kept only if the check passes: a test you write \
        must pass with the code in the same answer, even where a task says to write it failing first.

        \(AnswerFormat.instructions(for: editFormat))
        """
    }

    /// Work items in groups for one request each: items of the same spec or feature folder (or,
    /// without a requirement, the same folder), in their order, at most `size` per group.
    public static func batches(_ items: [WorkItem], size: Int) -> [[WorkItem]] {
        var order: [String] = []
        var groups: [String: [[WorkItem]]] = [:]
        for item in items {
            let key = item.requirement.map { RepositoryMap.folder(of: $0.spec) } ?? RepositoryMap.folder(of: item.path)
            if groups[key] == nil { order.append(key) }
            var chunks = groups[key] ?? []
            if let last = chunks.last, last.count < max(1, size) {
                chunks[chunks.count - 1].append(item)
            } else {
                chunks.append([item])
            }
            groups[key] = chunks
        }
        return order.flatMap { groups[$0] ?? [] }
    }

    public func build(_ items: [Item]) throws(AutodevError) -> BuiltPrompt {
        guard !items.isEmpty else {
            throw AutodevError(.internalError, "a prompt needs at least one work item")
        }
        guard items.count <= max(1, batchSize) else {
            throw AutodevError(.invalidConfig, "\(items.count) work items in one request, over loop.llm_optimization.batch_size (\(batchSize))",
                               key: "loop.llm_optimization.batch_size")
        }
        guard budget > 0 else {
            throw AutodevError(.invalidConfig,
                               "provider '\(provider.name)': context_tokens (\(provider.contextTokens)) must be larger than max_output_tokens (\(provider.maxOutputTokens))\(provider.source.isEmpty ? "" : " (\(provider.source))")")
        }
        var assembly = PromptAssembly(builder: self, items: items)
        return try assembly.build()
    }
}

/// A request ready to send, with what went into it for the decision log.
struct BuiltPrompt: Sendable, Equatable {
    public var request: LLMRequest
    /// The work ids in the request, in order.
    public var work: [String]
    /// The estimate of system + prompt tokens (calibrated); never above `budget`.
    public var estimatedTokens: Int
    public var budget: Int
    /// Secrets replaced, per kind.
    public var redactions: [SecretKind: Int]
    /// Generic secret-looking values left in place, by file (or "requirement KEY").
    public var suspects: [PromptSuspect]
    /// What was cut to fit the budget.
    public var trimmed: [ContextTrim]
    /// Files the work names that were not read because they hold secrets.
    public var refused: [String]
}

/// A generic secret-looking value in something the prompt holds.
struct PromptSuspect: Sendable, Equatable, Codable {
    /// The file, or "requirement FR-001", or "failure of WORK".
    public var place: String
    public var line: Int
    public var name: String
}

/// Something shortened (or left out) to fit the context budget.
struct ContextTrim: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The file, or "repository map".
    public var what: String
    public var originalBytes: Int
    public var keptBytes: Int
    /// "plan.md 12 KB → 3 KB", "repository map 240 → 60 files".
    public var description: String

    init(what: String, originalBytes: Int, keptBytes: Int, description: String? = nil) {
        self.what = what
        self.originalBytes = originalBytes
        self.keptBytes = keptBytes
        self.description = description ?? "\(what) \(ContextTrim.size(originalBytes)) → \(keptBytes == 0 ? "left out" : ContextTrim.size(keptBytes))"
    }

    static func size(_ bytes: Int) -> String {
        bytes < 1024 ? "\(bytes) B" : "\((bytes + 512) / 1024) KB"
    }
}
