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
        /// The same before a heading written without a space (`新增导出设置`, `新しいエクスポート設定`,
        /// `신규 내보내기 설정`), and Russian's, which takes one (`Новые настройки экспорта`).
        static let newMarkersCJK = ["新增", "新的", "新建", "新規", "新しい", "新たな", "신규", "새로운"]
        static let newMarkersCyrillic = ["новый", "новая", "новое", "новые"]

        /// Notes that say a section did not change (`(Unchanged)`, `(sin cambios)`, `（不变）`).
        static let unchangedNotes = [
            "unchanged", "no change", "no changes", "not changed", "sin cambios", "sin cambio", "inchangé", "inchangée", "inchangés",
            "sans changement", "unverändert", "keine änderung", "keine änderungen", "sem alterações", "sem alteração", "inalterado",
            "без изменений", "不变", "不變", "未变", "未變", "无变化", "無變化", "无变更", "無變更", "変更なし", "変更無し", "변경 없음", "변경없음",
        ]

        /// The note on the last heading of the key that says its section did not change, or nil.
        static func unchangedNote(_ key: String) -> String? {
            guard let heading = key.components(separatedBy: " > ").last else { return nil }
            let bare = bareHeading(heading, droppingNew: false)
            guard bare != heading, heading.hasPrefix(bare) else { return nil }
            let note = heading.dropFirst(bare.count).lowercased()
            return unchangedNotes.first { note.contains($0) }.map { _ in String(heading.dropFirst(bare.count).trimmingCharacters(in: .whitespaces)) }
        }

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
            if droppingNew, words.count == 2,
               (newMarkers + newMarkersCyrillic).contains(words[0].lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ":"))) {
                text = words[1]
            } else if droppingNew, let marker = newMarkersCJK.first(where: { text.hasPrefix($0) }) {
                // CJK: the marker then at least two characters of the name (`新增` alone, or
                // `新闻`, news, are no marker and a name).
                let rest = text.dropFirst(marker.count).drop { $0 == " " || $0 == ":" || $0 == "：" }
                if rest.count >= 2, rest.first.map({ $0.unicodeScalars.first!.value >= 0x2E80 || $0.isLetter }) == true { text = rest }
            }
            return String(text)
        }
    }
}
