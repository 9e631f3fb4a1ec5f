/// One requirement read from a spec: a user story, a functional requirement, an acceptance
/// criterion set, a task, or a plain section.
struct Requirement: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case story, requirement, criterion, task, section, document
    }

    /// What an OpenSpec change file says it does to the requirement.
    public enum Delta: Sendable, Equatable {
        case added, modified, removed
        case renamed(from: String)
    }

    /// Stable identity within its spec: `FR-001`, `US1`, `Requirement 2`, `Task 1.1`,
    /// `Story 1.2`, or the normalized heading path of a plain section.
    public var key: String
    /// Every name a task, a `_Requirements:_` line or a commit message may cite it by.
    public var ids: [String]
    public var kind: Kind
    public var title: String
    /// The text, normalized: whitespace collapsed, checkbox states and list numbers dropped.
    public var text: String
    public var format: SpecFormat
    /// The path of the spec it came from.
    public var spec: String
    public var line: Int
    /// Repository paths it names (task targets, a File List, `CREATE path`).
    public var paths: [String]
    /// Ids of other requirements it cites (`[US1]`, `_Requirements: 1.1_`).
    public var refs: [String]
    /// The key of the requirement it belongs to (a BMAD task's story).
    public var parent: String?
    public var needsClarification: Bool
    /// Checkbox states in document order (` `, `x`, `-`, `~`): progress, not identity.
    public var progress: String
    public var delta: Delta?
    /// Its acceptance criteria or scenarios, one per entry (list items of its section).
    public var criteria: [String] = []
    /// Why its document says it is finished (a story whose status is Done); nil otherwise.
    public var finished: String?
    /// The code spans of its title and own text (`` `count_completed()` ``, `` `MemoryStore` ``):
    /// what the spec marks as code.
    public var codeSpans: [String] = []
    /// An optional task (Kiro's `- [ ]*`, a title marked `(optional)`): not required work.
    public var optional = false
    /// The heading a list task sits under (`## 1. Update Root README.md`, `## 6. Review`): its
    /// section says what kind of work its tasks are when a task's own words do not. Not identity.
    public var section: String? = nil
    /// The headings above it, outermost first, down to the one its item sits under (for a task
    /// written as a heading, the headings enclosing it): a `## Verification Tasks` two levels up
    /// makes its checks checks. Not identity.
    public var headings: [String] = []

    /// A task whose own checkbox is ticked (`[x]`); for a task with subtasks, every box ticked.
    public var isTicked: Bool {
        kind == .task && !progress.isEmpty && progress.allSatisfy { $0 == "x" }
    }

    public init(key: String, ids: [String] = [], kind: Kind, title: String, text: String, format: SpecFormat,
                spec: String, line: Int, paths: [String] = [], refs: [String] = [], parent: String? = nil,
                needsClarification: Bool = false, progress: String = "", delta: Delta? = nil) {
        self.key = key
        self.ids = ids.isEmpty ? [key] : ids
        self.kind = kind
        self.title = title
        self.text = text
        self.format = format
        self.spec = spec
        self.line = line
        self.paths = paths
        self.refs = refs
        self.parent = parent
        self.needsClarification = needsClarification
        self.progress = progress
        self.delta = delta
    }

    /// A content hash of the title and text: equal hashes, equal requirement.
    public var textHash: String {
        String(SHA256.hex("autodev-requirement-v1\n" + title + "\n" + text).prefix(16))
    }
}
