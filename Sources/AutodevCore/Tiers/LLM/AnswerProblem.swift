/// Why a model's answer (or one item's part of it) cannot be used, with the exact text to send
/// back when asking again once.
struct AnswerProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable names for the decision log.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// Nothing but white space.
        case empty
        /// `finish == .truncated`: cut off at the output token limit.
        case truncated
        /// A fenced block or a SEARCH/REPLACE block that never closes (usually a cut-off answer).
        case unclosedBlock
        /// No file blocks at all (or, for a batch, no `=== WORK <id> ===` lines).
        case noFiles
        /// A path that is absolute, has `..`, is under `.git/` or `.auto-dev/`, or holds control
        /// characters or a backslash.
        case unsafePath
        /// A SEARCH that matches nothing, or more than once, or an edit of a file that is not there.
        case editDoesNotApply
        /// A block of the other format (a whole file where edits were asked for, or the reverse).
        case wrongFormat
        /// The same path twice with different content.
        case conflictingFile
        /// A file over the size limit.
        case tooLarge
        /// More files than `[answers] max_files`: reading stopped at the first one over.
        case tooManyFiles
        /// A stop request (SIGINT, SIGTERM) came while the answer was read; not asked again.
        case stopped
    }

    public var kind: Kind
    /// The work item whose part is unusable; nil when the whole answer is.
    public var work: String?
    /// The file involved, when there is one.
    public var path: String?
    /// What is wrong, for the decision log: names the file and quotes the line.
    public var message: String

    public init(_ kind: Kind, work: String? = nil, path: String? = nil, _ message: String) {
        self.kind = kind
        self.work = work
        self.path = path
        self.message = message
    }

    public var description: String { message }

    /// The user message to send when asking again: the problem, then what to do.
    public var reask: String {
        let fix: String
        switch kind {
        case .empty, .noFiles:
            fix = "Answer again in the answer format: for each file, a line holding its path, then the block."
        case .truncated, .unclosedBlock:
            fix = "Your answer was cut off. Answer again, shorter: only the files that must change, and for large files use the smallest complete change."
        case .unsafePath:
            fix = "Use paths relative to the repository root, without `..`, and never under `.git/` or `.auto-dev/`. Answer again with every file."
        case .editDoesNotApply:
            fix = "Each SEARCH must copy the current file's lines exactly (white space included) and match exactly once; add lines around it to make it unique. Answer again with every edit."
        case .wrongFormat, .conflictingFile, .tooLarge:
            fix = "Answer again with every file in the answer format."
        case .tooManyFiles:
            fix = "Answer again with only the files this work needs."
        case .stopped:
            fix = ""
        }
        return "Your answer could not be used: \(message)\n\n\(fix)"
    }
}
