/// Where a format puts a feature's name in a path: the folder right under `.kiro/specs/`,
/// `openspec/changes/`, `openspec/specs/` or `kitty-specs/` names a feature, whatever the word
/// (`.kiro/specs/notes/` is a note-taking feature; `.kiro/specs/export/notes/` is working notes
/// inside the export feature). Issue 21: a Kiro feature folder named `notes` was read as context.
extension SpecDocument {
    /// Folder runs whose next folder is a feature's own.
    static let featureRoots: [[String]] = [[".kiro", "specs"], ["openspec", "changes"], ["openspec", "specs"], ["kitty-specs"]]

    /// The position of the feature folder among a path's components (lower-cased), if the path
    /// sits in one below a format's feature root.
    static func featureFolderIndex(_ components: [String]) -> Int? {
        for root in featureRoots where components.count > root.count + 1 {
            for start in 0...(components.count - root.count - 2) where components[start..<(start + root.count)].elementsEqual(root) {
                return start + root.count
            }
        }
        return nil
    }
}
