/// What an event needs. Decided by rules, never by an LLM.
public enum DecisionAction: String, Sendable, Codable, CaseIterable, Comparable {
    case newImplementation
    case updateImplementation
    case retireImplementation
    case implementToPassTest
    case fixFailingTest
    case validate
    case reload
    case skip

    /// Whether the action asks for work (generation, validation or a reload) at all.
    public var needsWork: Bool { self != .skip }

    public static func < (a: DecisionAction, b: DecisionAction) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One decision: for an event (and, for a spec, one of its requirements), the action and why.
public struct Decision: Sendable, Equatable, Encodable {
    public struct RequirementInfo: Sendable, Equatable, Encodable {
        public var key: String
        var format: SpecFormat
        public var spec: String
        public var title: String
        public var textHash: String
        /// added, changed, removed, renamed or unchanged.
        var change: RequirementChange.Kind
        /// For a rename: the key it had.
        public var previousKey: String?

        enum CodingKeys: String, CodingKey { case key, format, spec, title, textHash, change, previousKey }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(key, forKey: .key)
            try container.encode(format, forKey: .format)
            try container.encode(spec, forKey: .spec)
            try container.encode(title, forKey: .title)
            try container.encode(textHash, forKey: .textHash)
            try container.encode(change, forKey: .change)
            try container.encodeIfPresent(previousKey, forKey: .previousKey)
        }
    }

    /// Why the rules are unsure of a decision, as a yes/no question with its evidence; with a
    /// provider configured, triage asks it (`Triage`), and "yes" turns the decision into a skip.
    public struct Doubt: Sendable, Equatable {
        public var question: String
        public var evidence: String
        /// How close the texts are (`RequirementIdentity.similarity`).
        public var similarity: Double
        /// The skip's reason when the answer is yes.
        public var ifYes: String
    }

    public var eventId: String
    public var action: DecisionAction
    public var reason: String
    /// The row of the rule table that decided (`requirement-added`, `human-change`, ...).
    public var rule: String
    public var requirement: RequirementInfo? {
        get { requirementBox?.value }
        set { requirementBox = newValue.map(OutOfLine.init) }
    }
    /// Paths that connect the requirement to code and tests.
    public var links: [String]
    /// Where the requirement starts in its spec, to list decisions in document order.
    var requirementLine = 0
    /// The whole requirement, for the tiers (not part of the JSON).
    var requirementDetail: Requirement? {
        get { detailBox?.value }
        set { detailBox = newValue.map(OutOfLine.init) }
    }
    /// Adopted as the baseline, though it shows no sign of implementation: `--backfill` would
    /// queue it (the onboarding summary counts these).
    public internal(set) var backfillable = false
    /// Set when the rules cannot tell (not part of the JSON; `diff-events` names it in the reason).
    public internal(set) var doubt: Doubt? {
        get { doubtBox?.value }
        set { doubtBox = newValue.map(OutOfLine.init) }
    }
    /// The three optional parts above, out of line (`OutOfLine`): nil for most decisions of a
    /// large range (a new test has no requirement), and about 400 bytes of each decision inline.
    private var requirementBox: OutOfLine<RequirementInfo>?
    private var detailBox: OutOfLine<Requirement>?
    private var doubtBox: OutOfLine<Doubt>?

    public init(eventId: String, action: DecisionAction, reason: String, rule: String,
                requirement: RequirementInfo?, links: [String]) {
        self.eventId = eventId
        self.action = action
        self.reason = reason
        self.rule = rule
        self.links = links
        self.requirementBox = requirement.map(OutOfLine.init)
    }

    enum CodingKeys: String, CodingKey { case eventId, action, reason, rule, requirement, links, unsure }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(eventId, forKey: .eventId)
        try container.encode(action, forKey: .action)
        try container.encode(reason, forKey: .reason)
        try container.encode(rule, forKey: .rule)
        try container.encode(requirement, forKey: .requirement)  // null when nil
        try container.encode(links, forKey: .links)
        try container.encodeIfPresent(doubt?.question, forKey: .unsure)
    }
}
