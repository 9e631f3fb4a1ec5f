internal import AutodevGit

extension Workspace {
    /// Where code autodev did not write runs (`[validate]`): the environment filtered to the
    /// allowlist, the home folders, this repository and its git folders hidden.
    func modelSandbox() -> Sandbox {
        var folders = [repository.gitDirectory, repository.commonDirectory, store.root]
        if let workdir = repository.workdir { folders.insert(workdir, at: 0) }
        return Sandbox.forModelCode(config: config, environment: environment, repositoryFolders: folders)
    }

    /// Redaction for everything sent to a model: the patterns, and the values of every provider
    /// key and secret-named variable autodev holds, in every form.
    func secretGuard() -> SecretGuard {
        SecretGuard(known: SecretValues(providers: config.providers, environment: environment))
    }

    /// What `doctor` and `status` say of the sandbox.
    public struct SandboxCheck: Sendable, Encodable {
        /// "bwrap" or "none".
        public var mode: String
        public var network: Bool
        /// Whether model code can run: the sandbox works, or the user chose none.
        public var works: Bool
        /// Why it cannot run, and what to do.
        public var problem: String?
        /// What the sandboxed command sees and may do, one line each.
        public var allows: [String]
    }

    /// Whether model code can run here, probing bubblewrap once.
    public func checkSandbox() -> SandboxCheck {
        let sandbox = modelSandbox()
        let problem = sandbox.problem()
        var allows: [String] = []
        switch sandbox.mode {
        case .bubblewrap:
            allows.append("bubblewrap \(sandbox.bubblewrap ?? "(not found)"): / read-only, the scratch copy writable, private /tmp, /run and home")
            allows.append(sandbox.network ? "network allowed ([validate] network = true)" : "no network")
            let shown = sandbox.mounts.map(\.description)
            if !shown.isEmpty { allows.append(shown.joined(separator: ", ")) }
        case .none:
            allows.append("no sandbox ([validate] sandbox = \"none\"): model code runs as you, sees your files and the network")
        }
        allows.append("environment: " + sandbox.environment.keys.sorted().joined(separator: " "))
        return SandboxCheck(mode: sandbox.mode.rawValue, network: sandbox.network, works: problem == nil,
                            problem: problem.map(Sandbox.refusal), allows: allows)
    }
}
