internal import AutodevGit

/// What a new test imports, read from its text: a test whose project imports all resolve to
/// code that exists, with every name it imports from them, tests that code (a coverage or
/// mutation-score uplift committed alone) — not code to write. Part of `Explainer` (issue 21:
/// a replay of a public repository proposed 251 such tests as `implementToPassTest`).
extension Explainer {
    /// Up to this many bytes of a test are read for its imports.
    static let importScanBytes = 64 * 1024

    /// The existing module a new test imports (Python `from pkg.mod import name`, `import
    /// pkg.mod`; JavaScript/TypeScript `from './x'` and SvelteKit's `$lib/x`), when every import
    /// of the project's own code resolves to a file at the end of the range and every name
    /// imported from it is in it. Nil when one does not (a test written before its code) or
    /// the test imports nothing of the project.
    mutating func importedCode(testedBy test: String) -> String? {
        if let known = importedCodeByTest[test] { return known }
        let found = readImportedCode(testedBy: test)
        importedCodeByTest[test] = found
        return found
    }

    /// `importedCode(testedBy:)`, read from the test's text.
    private mutating func readImportedCode(testedBy test: String) -> String? {
        guard let side = after.side(of: test), let bytes = try? repository.content(of: side) else { return nil }
        let text = String(decoding: bytes.prefix(Self.importScanBytes), as: UTF8.self)
        let evidence = evidence(after: true)
        let code = headCode?.paths ?? []
        var found: [String] = []
        for (module, names) in Self.imports(in: text, test: test) {
            guard let candidates = Self.modulePaths(module, test: test) else { continue }
            let match = code.first { path in candidates.contains { path == $0 || path.hasSuffix("/" + $0) } }
            guard let match else {
                // A module of the project's own code that is not there yet: the test comes first.
                if !test.hasSuffix(".py") || Self.isProjectModule(module, code: code) { return nil }
                continue
            }
            // A name imported from a package may be a module of it (`from pkg import mod`).
            let folder = match.hasSuffix("/__init__.py") ? String(match.dropLast("__init__.py".count)) : nil
            let missing = names.filter { name in
                evidence.mentions(name, in: match) == false && !(folder.map { code.contains($0 + name + ".py") } ?? false)
            }
            if !missing.isEmpty { return nil }
            found.append(match)
        }
        guard let deepest = found.max(by: { $0.split(separator: "/").count < $1.split(separator: "/").count }) else { return nil }
        return "\(deepest) (the test imports it)"
    }

    /// Each imported module with the names imported from it.
    static func imports(in text: String, test: String) -> [(String, [String])] {
        var result: [(String, [String])] = []
        let python = test.hasSuffix(".py")
        for raw in text.split(separator: "\n") {
            let line = raw.drop(while: { $0 == " " || $0 == "\t" })
            if python {
                let words = line.split(separator: " ", omittingEmptySubsequences: true)
                if words.first == "from", words.count >= 4, words[2] == "import" {
                    let names = words[3...].joined(separator: " ").split(separator: ",").compactMap { part -> String? in
                        let name = part.split(separator: " ").first.map { $0.filter { $0.isLetter || $0.isNumber || $0 == "_" } } ?? ""
                        return name.isEmpty || name == "as" ? nil : String(name)
                    }
                    result.append((String(words[1]), names))
                } else if words.first == "import", words.count >= 2 {
                    result.append((String(words[1].split(separator: ",").first ?? ""), []))
                }
            } else if line.hasPrefix("import ") || line.contains(" from '") || line.contains(" from \"") {
                guard let quote = line.lastIndex(where: { $0 == "'" || $0 == "\"" }),
                      let open = line[..<quote].lastIndex(where: { $0 == "'" || $0 == "\"" }) else { continue }
                let module = String(line[line.index(after: open)..<quote])
                var names: [String] = []
                if let brace = line.firstIndex(of: "{"), let close = line.firstIndex(of: "}"), brace < close {
                    names = line[line.index(after: brace)..<close].split(separator: ",").compactMap { part in
                        let name = part.split(separator: " ").first.map(String.init) ?? ""
                        return name.isEmpty || name == "type" ? nil : name
                    }
                }
                result.append((module, names))
            }
        }
        return result
    }

    /// The path endings a module may have; nil for a module that cannot be the project's
    /// (a package name: `pytest`, `vitest`, `@testing-library/svelte`).
    static func modulePaths(_ module: String, test: String) -> [String]? {
        if test.hasSuffix(".py") {
            guard !module.hasPrefix("."), !module.isEmpty else { return nil }
            let base = module.replacingOccurrences(".", "/")
            return [base + ".py", base + "/__init__.py"]
        }
        var base: String
        if module.hasPrefix("./") || module.hasPrefix("../") {
            var parts = folder(of: test).split(separator: "/").map(String.init)
            for part in module.split(separator: "/") {
                if part == ".." { if !parts.isEmpty { parts.removeLast() } } else if part != "." { parts.append(String(part)) }
            }
            base = parts.joined(separator: "/")
        } else if module.hasPrefix("$lib/") {
            base = "src/lib/" + module.dropFirst(5)
        } else {
            return nil
        }
        let extensions = [".ts", ".js", ".tsx", ".jsx", ".svelte", ".vue", "/index.ts", "/index.js"]
        if let ext = TextScan.extensionOf(Substring(SpecDocument.baseName(base))), !ext.isEmpty, extensions.contains("." + ext) {
            return [base]
        }
        return extensions.map { base + $0 }
    }

    /// A Python module whose top package is a folder of the project's code (`echoroo.x` when
    /// `…/echoroo/` holds code).
    static func isProjectModule(_ module: String, code: Set<String>) -> Bool {
        guard let top = module.split(separator: ".").first, !module.contains("/") else { return false }
        return code.contains { $0.hasPrefix("\(top)/") || $0.contains("/\(top)/") }
    }
}

private extension String {
    func replacingOccurrences(_ target: Character, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
