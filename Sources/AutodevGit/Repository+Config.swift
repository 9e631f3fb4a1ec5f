internal import CLibgit2

extension Repository {
    /// A path-valued setting from the repository's git configuration (`core.hooksPath`), with
    /// `~/` expanded as git does; nil when it is not set.
    public func configPath(_ key: String) -> String? {
        var config: OpaquePointer?
        guard git_repository_config_snapshot(&config, pointer) == 0 else { return nil }
        defer { git_config_free(config) }
        var buffer = git_buf()
        guard git_config_get_path(&buffer, config, key) == 0 else { return nil }
        defer { git_buf_dispose(&buffer) }
        return buffer.ptr.flatMap { String(validatingCString: $0) }
    }
}
