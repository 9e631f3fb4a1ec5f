/// One piece of work: a decision that needs something done, with what the tiers need to do it.
public struct WorkItem: Sendable, Codable, Equatable {
    public struct RequirementFields: Sendable, Codable, Equatable {
        public var key: String
        public var title: String
        public var text: String
        public var criteria: [String]
        public var spec: String
        var format: SpecFormat
        public var slug: String
        public var textHash: String
        var change: RequirementChange.Kind
        /// Where it stands in its feature's order: tasks first (by their line in the tasks
        /// document), then the other requirements (by line). Optional so queues written before it
        /// existed still load (they sort by spec and line-less key).
        public var ordinal: Int? = nil

        /// `ordinal` for a requirement of `kind` at `line`.
        static func ordinal(kind: Requirement.Kind, line: Int) -> Int {
            (kind == .task ? 0 : 1 << 32) + max(0, line)
        }
    }

    /// A content hash of the event and requirement: the same work has the same id in every run.
    public var id: String
    public var eventId: String
    public var eventKind: EventKind
    public var priority: Int
    public var path: String
    public var detail: String
    public var action: DecisionAction
    public var reason: String
    public var rule: String
    public var requirement: RequirementFields?
    public var links: [String]
    /// When the work was first seen (seconds since the epoch): older work goes first.
    public var firstSeen: Int64
    /// What the rules were unsure of when they queued it (`Decision.Doubt`), kept so that work
    /// queued while triage could not be asked (safe mode, a provider down, a budget reached,
    /// past `triage.max_items`) is asked about before a model is paid to do it. Absent from
    /// queues written before it existed, and from work the rules were sure of.
    public var doubt: Doubt? = nil

    /// `Decision.Doubt` as the queue keeps it.
    public struct Doubt: Sendable, Codable, Equatable {
        public var question: String
        public var evidence: String
        /// The skip's reason when the answer is yes.
        public var ifYes: String
    }

    static func makeID(eventId: String, requirementKey: String?) -> String {
        String(SHA256.hex("autodev-work-v1\n\(eventId)\n\(requirementKey ?? "")").prefix(24))
    }

    /// `FR-001 System MUST hash passwords` → `fr-001-system-must-hash-passwords` (at most 40
    /// bytes, cut at a word).
    static func slug(_ text: String) -> String {
        var out = ""
        var dash = false
        // ASCII text (nearly every title) by bytes: the same letters and digits, without
        // `lowercased()` and a Unicode property lookup per scalar (4 % of a stress-test sync,
        // one slug per decision). Anything else the way below, which lower-cases first
        // (the Kelvin sign lower-cases to an ASCII k).
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(min(text.utf8.count, 64))
            for var byte in text.utf8 {
                if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
                if (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) {
                    if dash && !bytes.isEmpty { bytes.append(0x2D) }
                    dash = false
                    bytes.append(byte)
                } else {
                    dash = true
                }
            }
            out = String(decoding: bytes, as: UTF8.self)
        } else {
            for scalar in text.lowercased().unicodeScalars {
                if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                    if dash && !out.isEmpty { out.append("-") }
                    dash = false
                    out.unicodeScalars.append(scalar)
                } else {
                    dash = true
                }
            }
        }
        if out.utf8.count > 40 {
            var cut = String(out.utf8.prefix(40))!
            if let dash = cut.lastIndex(of: "-"), cut.distance(from: cut.startIndex, to: dash) >= 8 { cut = String(cut[..<dash]) }
            out = cut
        }
        return out.isEmpty ? "requirement" : out
    }
}
