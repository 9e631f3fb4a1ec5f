/// The documents of one feature that a prompt shows, by role: the spec's own body, its
/// contracts, and the other documents (plan, design, data model, tasks, research, quickstart).
///
/// A feature is a Spec Kit or kitty-specs folder, an OpenSpec change, a Kiro spec, a BMAD story
/// or a PRP. Issue 19 measured prompts that never held `spec.md`'s body: the work items carry
/// one requirement each, but the model needs the whole feature to write code that fits it.
struct FeatureDocuments {
    enum Role: Int, Comparable {
        /// The spec itself: spec.md; an OpenSpec change's proposal and spec deltas; Kiro's
        /// requirements and design; a BMAD story; a PRP.
        case body
        /// Files under `contracts/`: all interface.
        case contract
        /// Plan, design, data model, tasks, research, quickstart.
        case document

        static func < (a: Role, b: Role) -> Bool { a.rawValue < b.rawValue }
    }

    struct Document: Equatable {
        var path: String
        var role: Role
    }

    /// The folder a feature's documents live in: the OpenSpec change (not the capability
    /// folder under its `specs/`), a kitty-specs feature (not its `tasks/`), else the spec's folder.
    static func root(of spec: String, format: SpecFormat) -> String {
        let parts = spec.split(separator: "/").map(String.init)
        if let changes = parts.firstIndex(of: "changes"), changes + 1 < parts.count - 1, parts[..<changes].contains("openspec") || format == .openSpec {
            return parts[...(changes + 1)].joined(separator: "/")
        }
        var folder = RepositoryMap.folder(of: spec)
        if format == .kittySpecs || format == .specKit, folder.hasSuffix("/tasks") || folder == "tasks" {
            folder = RepositoryMap.folder(of: folder)
        }
        return folder
    }

    static let documentNames = ["plan.md", "design.md", "data-model.md", "tasks.md", "research.md", "quickstart.md", "proposal.md"]

    /// The documents of the features these specs belong to, body first, then contracts, then
    /// the others in a fixed order; each once, secret paths left out.
    static func find(specs: [(path: String, format: SpecFormat)], paths: [String], secrets: SecretGuard) -> [Document] {
        let all = Set(paths)
        var documents: [Document] = []
        var seen: Set<String> = []
        func add(_ path: String, _ role: Role) {
            guard all.contains(path), !secrets.isSecretPath(path), seen.insert(path).inserted else { return }
            documents.append(Document(path: path, role: role))
        }
        var roots: [(root: String, format: SpecFormat)] = []
        for spec in specs where !roots.contains(where: { $0.root == root(of: spec.path, format: spec.format) }) {
            roots.append((root(of: spec.path, format: spec.format), spec.format))
        }
        for spec in specs where !spec.path.hasSuffix("/tasks.md") && spec.path != "tasks.md" {
            add(spec.path, .body)
        }
        for (root, format) in roots {
            let prefix = root.isEmpty ? "" : root + "/"
            add(prefix + "spec.md", .body)
            add(prefix + "proposal.md", .body)
            add(prefix + "requirements.md", .body)
            if format == .kiro { add(prefix + "design.md", .body) }
            if format == .openSpec {
                for path in paths where path.hasPrefix(prefix + "specs/") && path.hasSuffix(".md") { add(path, .body) }
            }
        }
        for (root, _) in roots {
            let prefix = root.isEmpty ? "" : root + "/"
            for path in paths where path.hasPrefix(prefix + "contracts/") { add(path, .contract) }
        }
        for (root, _) in roots {
            let prefix = root.isEmpty ? "" : root + "/"
            for name in documentNames { add(prefix + name, .document) }
        }
        return documents
    }
}
