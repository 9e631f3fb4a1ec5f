import Foundation

extension SpecDiff {
    /// A heading re-annotated in place: the same section with a note after its name
    /// (`src/config.rs` → `src/config.rs (Unchanged)`, `T010: Wire config` → `T010: Wire config
    /// [COMPLETED, updated by T018]`, `Ajustes (sin cambios)`, `导出设置（不变）`), or with the
    /// "new" its author put before it dropped once it is no longer new (`New Config File Key` →
    /// `Config File Key (Unchanged)`).
    ///
    /// The heading is the section's key, so a note re-keys it; with its body rewritten in the
    /// same commit nothing else matched it, and one public merge proposed to retire the code of
    /// two sections whose new headings said "(Unchanged)". Keys stay as they are (no re-keying of
    /// adopted state): `compare` pairs what is left on each side by its bare key, one to one.
    enum HeadingNote {
        /// Words an author puts before a heading to say it is new (`New Config File Key`).
        static let newMarkers = ["new", "nuevo", "nueva", "nouveau", "nouvelle", "neu", "neue", "neuer", "novo", "nova"]

        /// The key with each heading's trailing notes, strike-through marks and leading "new"
        /// set aside.
        static func bare(_ key: String) -> String {
            key.components(separatedBy: " > ").map { bareHeading($0) }.joined(separator: " > ")
        }

        /// Whether a heading of the key carries a note (`(Unchanged)`, `[COMPLETED]`, `~~…~~`).
        /// Two keys that both do are not paired: `Output Data (Guidance Object)` → `Output Data
        /// (Temp File Output Object)` says what the section is about, not how it stands.
        static func annotated(_ key: String) -> Bool {
            key.components(separatedBy: " > ").contains { bareHeading($0, droppingNew: false) != $0 }
        }

        /// One heading without its notes: trailing `(…)`, `[…]` (after a space), `（…）`, `【…】`
        /// (as CJK writes them, with or without one), repeated; `~~`; a leading `new` or `new:`.
        static func bareHeading(_ heading: String, droppingNew: Bool = true) -> String {
            var text = Substring(heading.replacingOccurrences(of: "~~", with: "")).trimmingCharacters(in: .whitespaces)[...]
            let pairs: [Character: (open: Character, needsSpace: Bool)] = [")": ("(", true), "]": ("[", true), "）": ("（", false), "】": ("【", false)]
            while let last = text.last, let pair = pairs[last], let open = text.lastIndex(of: pair.open), open > text.startIndex {
                let before = text[..<open]
                if pair.needsSpace, before.last?.isWhitespace != true { break }
                let rest = before.trimmingCharacters(in: .whitespaces)
                guard !rest.isEmpty else { break }
                text = rest[...]
            }
            let words = text.split(separator: " ", maxSplits: 1)
            if droppingNew, words.count == 2, newMarkers.contains(words[0].lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ":"))) {
                text = words[1]
            }
            return String(text)
        }
    }
}
