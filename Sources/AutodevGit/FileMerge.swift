internal import CLibgit2

/// A three-way merge of one file's content, as `git merge-file` does it: the lines each side
/// changed from the common ancestor are combined; lines both sides changed differently are a
/// conflict. autodev uses it when a writer that never saw the current content of a generated
/// file (a template, a generator, a reused answer) writes it again for other work.
public enum FileMerge {
    /// What a merge gave.
    public enum Outcome: Sendable, Equatable {
        /// Both sides' changes combined.
        case merged([UInt8])
        /// Both sides changed the same lines; `marked` holds the file with conflict markers
        /// (for a message or a log, never for a results commit).
        case conflict(marked: [UInt8])
    }

    /// Merges `theirs` into `ours`, both descended from `base` (empty for a file that did not
    /// exist). `path` names the file in conflict markers.
    public static func merge(base: [UInt8], ours: [UInt8], theirs: [UInt8], path: String) throws(GitError) -> Outcome {
        try Libgit2.ensureInitialised()
        if ours == theirs || theirs == base { return .merged(ours) }
        if ours == base { return .merged(theirs) }
        var result = git_merge_file_result()
        var options = git_merge_file_options()
        try GitError.check(git_merge_file_options_init(&options, UInt32(GIT_MERGE_FILE_OPTIONS_VERSION)), "preparing a file merge")
        let code: Int32 = base.withUnsafeBufferPointer { basePointer in
            ours.withUnsafeBufferPointer { oursPointer in
                theirs.withUnsafeBufferPointer { theirsPointer in
                    path.withCString { cPath in
                        func input(_ buffer: UnsafeBufferPointer<UInt8>) -> git_merge_file_input {
                            var input = git_merge_file_input()
                            input.version = UInt32(GIT_MERGE_FILE_INPUT_VERSION)
                            // An empty side still gets a valid pointer (to zero bytes).
                            input.ptr = buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) } ?? cPath
                            input.size = buffer.count
                            input.path = cPath
                            input.mode = 0o100644
                            return input
                        }
                        var ancestor = input(basePointer), mine = input(oursPointer), other = input(theirsPointer)
                        return git_merge_file(&result, &ancestor, &mine, &other, &options)
                    }
                }
            }
        }
        try GitError.check(code, "merging \(path)")
        defer { git_merge_file_result_free(&result) }
        var content: [UInt8] = []
        if let pointer = result.ptr, result.len > 0 {
            content = Array(UnsafeRawBufferPointer(start: UnsafeRawPointer(pointer), count: result.len))
        }
        return result.automergeable != 0 ? .merged(content) : .conflict(marked: content)
    }
}
