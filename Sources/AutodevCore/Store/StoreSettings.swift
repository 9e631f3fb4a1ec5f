import AutodevGit

/// `[store]`: where an organisation keeps what guards its money and saves its calls, shared by
/// every repository and runner that points at it (`PostgresStore`, `PostgresAnswerCache`).
///
/// The password is never in the file: config/autodev.toml is committed and read by everyone who
/// clones, so a URL holding one is refused when the config is loaded, and the password comes
/// from the environment variable `store.password_env` names (or libpq's own PGPASSWORD).
struct StoreSettings: Sendable, Equatable {
    /// `postgresql://user@host:port/db`, as configured (it holds no password).
    public var url: String
    /// The environment variable with the password; nil: libpq reads PGPASSWORD or ~/.pgpass.
    public var passwordVariable: String?
    /// This repository's name in the store: what `[llm.budget]` caps.
    public var repository: String
    public var connectTimeoutSeconds: Int
    /// `store.org_max_cost_per_day` and `_per_month`: every repository's charges together.
    public var organisationBudget: Budget

    /// The settings in force, or nil when `store.url` is empty (the clone's own files serve).
    public init?(config: Config, repository: Repository) {
        let url = config[.storeURL].trimmingSpaces()
        guard !url.isEmpty else { return nil }
        self.url = url
        let variable = config[.storePasswordEnv].trimmingSpaces()
        passwordVariable = variable.isEmpty ? nil : variable
        let named = config[.storeRepository].trimmingSpaces()
        if !named.isEmpty {
            self.repository = named
        } else if let origin = repository.configPath("remote.origin.url"), !origin.isEmpty {
            self.repository = Self.withoutCredentials(origin)
        } else {
            self.repository = repository.commonDirectory
        }
        connectTimeoutSeconds = config[.storeConnectTimeoutSeconds]
        organisationBudget = Budget(maxCostPerDay: config[.orgMaxCostPerDay],
                                    maxCostPerMonth: config[.orgMaxCostPerMonth])
    }

    /// The password from the variable `store.password_env` names; nil without that setting.
    /// A named variable that is unset is an error: a silent empty password would only fail later.
    public func password(environment: [String: String]) throws(AutodevError) -> String? {
        guard let passwordVariable else { return nil }
        guard let value = environment[passwordVariable], !value.isEmpty else {
            throw AutodevError(.invalidConfig, "store.password_env names the environment variable \(passwordVariable), which is not set: export it with the database password, or empty store.password_env to use PGPASSWORD or ~/.pgpass",
                               key: "store.password_env")
        }
        return value
    }

    /// `store.url` is a PostgreSQL URL without a password; called when the config is loaded.
    static func check(_ config: Config, invalid: (String, String) -> AutodevError) throws(AutodevError) {
        let url = config[.storeURL].trimmingSpaces()
        guard !url.isEmpty else { return }
        guard url.hasPrefix("postgresql://") || url.hasPrefix("postgres://") else {
            throw invalid("store.url", "must be a PostgreSQL URL (\"postgresql://user@host:5432/db\"), the only shared store autodev supports; empty it to keep the state in this clone")
        }
        if Self.holdsPassword(url) {
            throw invalid("store.url", "holds a password (postgresql://user:…@host or ?password=…): the config file is committed, so remove it from the URL and put it in an environment variable named by store.password_env (or in PGPASSWORD)")
        }
        let variable = config[.storePasswordEnv]
        if !variable.isEmpty, !variable.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }) {
            throw invalid("store.password_env", "= \"\(variable)\" must be the name of an environment variable (letters, digits, _), not the password itself")
        }
    }

    /// Whether `url` carries a password in its user part or its query.
    static func holdsPassword(_ url: String) -> Bool {
        guard let scheme = schemeEnd(url) else { return false }
        let afterScheme = url[scheme...]
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" }
        if let at = authority.lastIndex(of: "@"), authority[..<at].contains(":") { return true }
        if let query = url.firstIndex(of: "?") {
            for pair in url[url.index(after: query)...].split(separator: "&") where pair.lowercased().hasPrefix("password=") { return true }
        }
        return false
    }

    /// `https://token@host/x.git` → `https://host/x.git`: a remote's credentials never become a name.
    static func withoutCredentials(_ url: String) -> String {
        guard let scheme = schemeEnd(url) else { return url }
        let rest = url[scheme...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return url }
        return String(url[..<scheme]) + String(rest[rest.index(after: at)...])
    }

    /// Where what follows `scheme://` starts, or nil without `://`.
    static func schemeEnd(_ url: String) -> String.Index? {
        var index = url.startIndex
        while index < url.endIndex {
            if url[index...].hasPrefix("://") { return url.index(index, offsetBy: 3) }
            index = url.index(after: index)
        }
        return nil
    }

    /// The URL for messages: as configured (it holds no password).
    public var displayName: String { url }
}
