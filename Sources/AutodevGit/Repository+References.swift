internal import CLibgit2

/// One reference a transaction moves: to `target`, only if it points at `expected` now (nil:
/// only if it does not exist).
public struct ReferenceUpdate: Sendable, Equatable {
    public var name: String
    public var target: ObjectID
    public var expected: ObjectID?

    public init(name: String, target: ObjectID, expected: ObjectID?) {
        self.name = name
        self.target = target
        self.expected = expected
    }
}

extension Repository {
    /// Whether git accepts `name` as a full reference name (`refs/autodev/checkpoint`).
    public static func isValidReferenceName(_ name: String) -> Bool {
        guard (try? Libgit2.ensureInitialised()) != nil else { return false }
        var valid: Int32 = 0
        return git_reference_name_is_valid(&valid, name) == 0 && valid == 1
    }

    /// Whether git accepts `name` as a branch name (`autodev/results`; not `HEAD`, not `-x`).
    public static func isValidBranchName(_ name: String) -> Bool {
        guard (try? Libgit2.ensureInitialised()) != nil else { return false }
        var valid: Int32 = 0
        return git_branch_name_is_valid(&valid, name) == 0 && valid == 1
    }

    /// The reference HEAD names (`refs/heads/main`), or nil when HEAD is detached.
    public func headReferenceName() throws -> String? {
        var reference: OpaquePointer?
        let result = git_reference_lookup(&reference, pointer, "HEAD")
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try GitError.check(result, "reading HEAD")
        defer { git_reference_free(reference) }
        guard git_reference_type(reference) == GIT_REFERENCE_SYMBOLIC, let target = git_reference_symbolic_target(reference) else {
            return nil
        }
        return decodeCString(target)
    }

    /// Moves several references in one libgit2 ref transaction: all are locked, then each is
    /// compared with its expected target, and only when every one matches are they all moved.
    /// Throws a `.modified` error naming the first reference someone else moved; then none moves.
    public func updateReferences(_ updates: [ReferenceUpdate], message: String) throws {
        var transaction: OpaquePointer?
        try GitError.check(git_transaction_new(&transaction, pointer), "starting a ref transaction")
        defer { git_transaction_free(transaction) }
        for update in updates {
            try GitError.check(git_transaction_lock_ref(transaction, update.name), "locking \(update.name)")
        }
        for update in updates {
            let current = try referenceTarget(update.name)
            guard current == update.expected else {
                throw GitError(kind: .modified, message: "\(update.name) points at \(current?.hex ?? "nothing"), not at \(update.expected?.hex ?? "nothing")",
                               operation: "moving \(update.name)")
            }
        }
        var signature: UnsafeMutablePointer<git_signature>?
        try GitError.check(git_signature_now(&signature, "autodev", "autodev@localhost"), "making a signature")
        defer { git_signature_free(signature) }
        for update in updates {
            var oid = update.target.gitOID
            try GitError.check(git_transaction_set_target(transaction, update.name, &oid, signature, message), "moving \(update.name)")
        }
        try GitError.check(git_transaction_commit(transaction), "moving \(updates.map(\.name).joined(separator: " and "))")
    }
}
