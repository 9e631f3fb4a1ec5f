internal import AutodevGit

/// The processed commit's files with the scaffolds of this pass's work over them: a scaffold
/// (template output that is a starting point, not an answer) is shown to the model as the
/// current content of the file it would write, and a search-replace answer edits it. Only paths
/// the commit does not hold are overlaid: a person's file is never shown as a stub.
final class ScaffoldSource: PromptSource {
    private let base: any PromptSource
    private let overlay: [String: [UInt8]]
    private let sorted: [String]

    init(base: any PromptSource, scaffolds: [String: [UInt8]]) {
        self.base = base
        let known = Set(base.paths())
        overlay = scaffolds.filter { !known.contains($0.key) }
        sorted = Array(known.union(overlay.keys)).sorted()
    }

    func paths() -> [String] { overlay.isEmpty ? base.paths() : sorted }

    func read(_ path: String) -> [UInt8]? { overlay[path] ?? base.read(path) }

    func memoized(_ path: String, _ compute: ([UInt8]) -> [String]) -> [String]? {
        if let scaffold = overlay[path] { return compute(scaffold) }
        return base.memoized(path, compute)
    }

    func blobID(_ path: String) -> String? {
        if let scaffold = overlay[path] { return try? Repository.blobID(of: scaffold).hex }
        return base.blobID(path)
    }
}
