#if canImport(Glibc)
import Glibc
#endif

extension Sandbox {
    /// Variables every command may see: where programs are, the locale, the terminal, the zone.
    static let baseNames: Set<String> = ["PATH", "LANG", "LANGUAGE", "TERM", "TZ", "USER", "LOGNAME", "NO_COLOR", "CI"]

    /// Toolchains' own variables: where the compilers, interpreters and their packages are.
    /// Folders under a hidden home that they name are made visible again, read-only.
    static let toolchainNames: Set<String> = [
        "GOPATH", "GOROOT", "GOCACHE", "GOMODCACHE", "GOFLAGS", "GOTOOLCHAIN", "GO111MODULE",
        "CARGO_HOME", "RUSTUP_HOME", "RUSTUP_TOOLCHAIN", "RUSTFLAGS",
        "JAVA_HOME", "JDK_HOME", "MAVEN_HOME", "M2_HOME", "GRADLE_HOME",
        "PYTHONPATH", "PYTHONHOME", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "VIRTUAL_ENV", "CONDA_PREFIX",
        "CONDA_DEFAULT_ENV", "PYENV_ROOT", "PYENV_VERSION",
        "NODE_PATH", "NVM_DIR", "NVM_BIN", "VOLTA_HOME", "GEM_HOME", "GEM_PATH", "RBENV_ROOT", "DOTNET_ROOT",
        "DEVELOPER_DIR", "SDKROOT", "CC", "CXX", "CFLAGS", "CXXFLAGS", "LDFLAGS", "CPATH", "LIBRARY_PATH",
        "LD_LIBRARY_PATH", "PKG_CONFIG_PATH",
    ]

    /// Variables that name a credential file or folder: hidden wherever it is.
    static let credentialFileNames = ["AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "GOOGLE_APPLICATION_CREDENTIALS", "KUBECONFIG",
                                      "DOCKER_CONFIG", "NETRC", "GIT_CONFIG_GLOBAL", "CLOUDSDK_CONFIG", "AZURE_CONFIG_DIR",
                                      "NPM_CONFIG_USERCONFIG", "GH_CONFIG_DIR", "GNUPGHOME", "PASSWORD_STORE_DIR"]

    /// Credential files and folders below a home folder, hidden again if a toolchain made their
    /// folder visible (a home folder itself is hidden whole).
    static let homeCredentials = [".aws", ".ssh", ".gnupg", ".config/gh", ".config/gcloud", ".config/git/credentials", ".azure", ".kube",
                                  ".docker", ".netrc", ".git-credentials", ".gitconfig", ".npmrc", ".pypirc", ".pgpass",
                                  ".cargo/credentials", ".cargo/credentials.toml", ".local/share/keyrings", ".password-store",
                                  ".vault-token", ".terraform.d/credentials.tfrc.json", ".m2/settings.xml", ".gradle/gradle.properties"]

    /// The sandbox for code autodev did not write, as `[validate]` sets it: `environment` is
    /// autodev's, filtered to the allowlist; `repositoryFolders` (the work tree, the git folder,
    /// the common git folder) are hidden with the home folders.
    public static func forModelCode(config: Config, environment: [String: String], repositoryFolders: [String]) -> Sandbox {
        let mode = Mode(rawValue: config[.validateSandbox]) ?? .bubblewrap
        let network = config[.validateNetwork]
        let temporary = Generator.temporaryFolder(environment)
        let secrets = SecretValues(providers: config.providers, environment: environment)
        let keyNames = Set(config.providers.compactMap(\.apiKeyEnv))
        var allowed = baseNames.union(toolchainNames).union(config[.validateEnv])
        allowed.subtract(keyNames)
        var filtered: [String: String] = [:]
        for (name, value) in environment {
            guard allowed.contains(name) || name.hasPrefix("LC_") else { continue }
            // Never a provider key or a secret's name (`checkConfig` refuses them in `env`), nor
            // a value that holds a key.
            guard !keyNames.contains(name), !SecretNames.isSecret(name), !secrets.occurs(in: value) else { continue }
            filtered[name] = value
        }
        if filtered["PATH"] == nil { filtered["PATH"] = "/usr/local/bin:/usr/bin:/bin" }
        let homes = homeFolders(environment)
        if let home = homes.first { filtered["HOME"] = home }
        guard mode == .bubblewrap else {
            if environment["TMPDIR"] != nil { filtered["TMPDIR"] = temporary }
            var sandbox = Sandbox(mode: .none, network: true, environment: filtered, hostTemporaryFolder: temporary, mounts: [], bubblewrap: nil)
            sandbox.secrets = secrets
            return sandbox
        }
        filtered["TMPDIR"] = "/tmp"
        let mounts = policyMounts(hidden: homes + ["/root", "/home"] + repositoryFolders, environment: environment, kept: filtered, homes: homes)
        var sandbox = Sandbox(mode: .bubblewrap, network: network, environment: filtered, hostTemporaryFolder: temporary, mounts: mounts,
                              bubblewrap: executable("bwrap", path: environment["PATH"] ?? "/usr/bin:/bin"))
        sandbox.secrets = secrets
        return sandbox
    }

    /// `$HOME`, then the account's home from the password database when it differs.
    static func homeFolders(_ environment: [String: String]) -> [String] {
        var homes: [String] = []
        if let home = environment["HOME"].map(normalized), !home.isEmpty { homes.append(home) }
        if let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir {
            let home = normalized(String(cString: directory))
            if !home.isEmpty, !homes.contains(home) { homes.append(home) }
        }
        return homes
    }

    /// Hide the folders (parents first), make the toolchains found on PATH and in toolchain
    /// variables visible again read-only (the top folder below the hidden one, `~/.pyenv` for
    /// `~/.pyenv/shims`, so a tool finds its own files), then hide again what credentials those
    /// hold, and credential files named by variables wherever they are.
    static func policyMounts(hidden candidates: [String], environment: [String: String], kept: [String: String], homes: [String]) -> [Mount] {
        var hidden: [String] = []
        for path in candidates.map(normalized) where path != "/" && !path.isEmpty && FileSystem.isDirectory(path) && !hidden.contains(path) {
            hidden.append(path)
        }
        hidden.sort { depth($0) < depth($1) }
        // A folder inside a hidden one is hidden with it.
        hidden = hidden.filter { path in !hidden.contains { path.hasPrefix($0 + "/") } }
        var toolchains: [String] = []
        var places = (kept["PATH"] ?? "").split(separator: ":").map(String.init)
        for name in toolchainNames.sorted() { if let value = kept[name] { places += value.split(separator: ":").map(String.init) } }
        for place in places.map(normalized) where place.hasPrefix("/") {
            guard let root = hidden.filter({ place.hasPrefix($0 + "/") }).max(by: { depth($0) < depth($1) }) else { continue }
            let first = place.dropFirst(root.count + 1).split(separator: "/").first.map(String.init) ?? ""
            var tops = [root + "/" + first]
            if first == ".cargo" { tops.append(root + "/.rustup") }  // rustup's proxies in ~/.cargo/bin need ~/.rustup
            for top in tops where !first.isEmpty && FileSystem.isDirectory(top) && !toolchains.contains(top) { toolchains.append(top) }
        }
        var mounts = hidden.map(Mount.hide) + toolchains.map(Mount.readOnly)
        var again: [String] = []
        for home in homes {
            for name in homeCredentials {
                let path = home + "/" + name
                if toolchains.contains(where: { path == $0 || path.hasPrefix($0 + "/") }), FileSystem.exists(path) { again.append(path) }
            }
        }
        for name in credentialFileNames {
            for path in (environment[name] ?? "").split(separator: ":").map({ normalized(String($0)) })
            where path.hasPrefix("/") && path != "/" && FileSystem.exists(path) {
                again.append(path)
            }
        }
        if !isSymbolicLink("/var/run"), FileSystem.exists("/var/run/docker.sock") { again.append("/var/run/docker.sock") }
        for path in again where !mounts.contains(.hide(path)) && !mounts.contains(.hideFile(path)) {
            mounts.append(FileSystem.isDirectory(path) ? .hide(path) : .hideFile(path))
        }
        return mounts
    }

    static func depth(_ path: String) -> Int { path.split(separator: "/").count }

    static func normalized(_ path: String) -> String {
        var path = path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return path
    }

    static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    /// The first executable `name` on `path`.
    static func executable(_ name: String, path: String) -> String? {
        for folder in path.split(separator: ":") where folder.hasPrefix("/") {
            let candidate = folder + "/" + name
            if access(candidate, X_OK) == 0, !FileSystem.isDirectory(candidate) { return candidate }
        }
        return nil
    }

    // MARK: Configuration

    /// `[validate] sandbox`, `network` and `env` checked when the configuration is read: a
    /// variable that holds a provider key, or whose name says it holds a secret, is refused in
    /// `env` — model code must never see one.
    static func checkConfig(_ config: Config, invalid: (String, String) -> AutodevError) throws(AutodevError) {
        let mode = config[.validateSandbox]
        guard Mode(rawValue: mode) != nil else {
            throw invalid("validate.sandbox", "= \"\(mode)\" must be \"bwrap\" (model code runs under bubblewrap) or \"none\" (it runs unconfined)")
        }
        for name in config[.validateEnv] {
            guard let first = name.first, first == "_" || (first.isASCII && first.isLetter),
                  name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw invalid("validate.env", "lists \"\(name)\", which is not the name of an environment variable (letters, digits and _)")
            }
            if let provider = config.providers.first(where: { $0.apiKeyEnv == name }) {
                throw invalid("validate.env", "lists \(name), the api_key_env of provider '\(provider.name)': code a model wrote must never see a provider's key; remove it from [validate] env")
            }
            if SecretNames.isSecret(name) {
                throw invalid("validate.env", "lists \(name), whose name says it holds a secret (…_KEY, …_TOKEN, …_SECRET, …_PASSWORD): code a model wrote must never see one; remove it from [validate] env, or give the check what it needs under another name")
            }
        }
    }
}
