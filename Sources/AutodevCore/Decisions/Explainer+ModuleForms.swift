/// A file module turned into a folder module, or back. A replay of an unseen Rust project
/// proposed restoring `src/page.rs` 12 times (for every task linking it) in the commit that
/// split it into `src/page/mod.rs` and five sibling files: the module `page` was never gone.
/// Each language has one such pair of forms; the tree after the range says which one it holds.
extension Explainer {
    /// Why deleting `gone` removed no module: its other form exists after the range
    /// (`src/page.rs` ↔ `src/page/mod.rs`, `app/models.py` ↔ `app/models/__init__.py`,
    /// `src/api.ts` ↔ `src/api/index.ts`), or nil.
    mutating func moduleLivesOn(_ gone: String) -> String? {
        let now = evidence(after: true)
        for form in Self.moduleForms(of: gone) {
            if case .exact(let path) = now.resolve(form, near: "") {
                return "the module lives on as \(path) (the same module in its \(form.hasSuffix("/") ? "" : "other ")form)"
            }
        }
        return nil
    }

    /// The other forms of a module file: `x.rs` ↔ `x/mod.rs`, `x.py` ↔ `x/__init__.py`,
    /// `x.ts` ↔ `x/index.ts` (and `.tsx`, `.js`, `.jsx`, `.mjs`, `.cjs`, `.mts`, `.cts`).
    static func moduleForms(of path: String) -> [String] {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let name = parts.last, let dot = name.lastIndex(of: "."), dot != name.startIndex else { return [] }
        let stem = String(name[..<dot]), ext = String(name[name.index(after: dot)...])
        let folder = parts.dropLast().joined(separator: "/")
        let prefix = folder.isEmpty ? "" : folder + "/"
        let scripts = ["ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "cts"]
        // The folder form's index file → the file form beside its folder.
        let indexNames: [String: [String]] = ["mod.rs": ["rs"], "__init__.py": ["py"]]
        var forms: [String] = []
        if let exts = indexNames[name] ?? (stem == "index" && scripts.contains(ext) ? [ext] : nil) {
            // A crate's or package's root index file has no file form.
            if !folder.isEmpty { forms += exts.map { "\(folder).\($0)" } }
        } else if ext == "rs" && stem != "lib" && stem != "main" {
            forms.append("\(prefix)\(stem)/mod.rs")
        } else if ext == "py" {
            forms.append("\(prefix)\(stem)/__init__.py")
        } else if scripts.contains(ext) {
            forms.append("\(prefix)\(stem)/index.\(ext)")
        }
        return forms
    }
}
