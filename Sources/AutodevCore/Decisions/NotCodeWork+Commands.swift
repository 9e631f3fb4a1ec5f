/// A task that is a command line to run, or whose output goes to a scratch folder outside the
/// repository, is work for a person or for the project's checks: its backticked text is a shell
/// command (`golangci-lint run > /tmp/lint.txt`, `go test ./...`, `CGO_ENABLED=0 go build`),
/// not a name of code, and what it leaves behind lives in `/tmp`, not in the tree.
///
/// Where the shape comes from: issue 21's fourth fresh replay (a Go Spec Kit project whose
/// refactoring plan was mostly `Label: \`command\`` steps, 12 of 20 sampled work items; a Go
/// OpenSpec project's `` `go test ./...` green`` verify steps and `Memory: \`tool store …\``
/// bookkeeping). Structure decides: where the command sits (it opens the task, or follows its
/// label and colon), what it looks like (a program word and its arguments, flags, paths or
/// shell operators), and what else the task names. The only words read are the code and
/// change verbs the rules already know, so a label that asks for code (`Add …: \`…\``) or a
/// task that asks for a change after the command (`… and fix what it reports`) stays code.
extension NotCodeWork {
    /// Folders outside any repository where a step leaves its output.
    static let scratchFolders = ["/tmp/", "/var/tmp/", "$TMPDIR/", "${TMPDIR}/", "%TEMP%\\", "%TMP%\\"]

    /// Why a task runs a command or works in a scratch folder rather than writing code, or nil.
    static func commandStep(title: String, paths: [String], codeSpans: [String]) -> String? {
        let commands = codeSpans.map { TextScan.collapse($0) }.filter(isCommandLine)
        let scratch = scratchPath(in: title)
        guard !commands.isEmpty || scratch != nil else { return nil }
        let trimmed = title.drop(while: \.isWhitespace)
        // Where the command sits: at the start, or right after the task's label and colon.
        let opening: Substring
        if let first = commands.first(where: { trimmed.hasPrefix($0) }) {
            opening = trimmed.dropFirst(first.count)
        } else if let colon = trimmed.firstIndex(where: { $0 == ":" || $0 == "\u{FF1A}" }),
                  commands.contains(where: { trimmed[trimmed.index(after: colon)...].drop(while: \.isWhitespace).hasPrefix($0) }) {
            opening = trimmed[..<colon]
        } else if let lead = instrumentLead(trimmed, commands) {
            // Or it is the instrument of a short lead-in (`Validate with \`openspec validate
            // --strict\``, `Mit \`cargo fmt --check\` prüfen`, `使用 \`go vet ./...\` 检查`).
            opening = lead
        } else if scratch != nil {
            opening = trimmed
        } else {
            return nil
        }
        // A label that asks for code keeps the task code (`Create the folders: \`mkdir -p …\``),
        // unless the command it labels works in a scratch folder (`Create test project: \`mkdir
        // /tmp/try && cd /tmp/try && go mod init try\``): what it creates is not in the tree.
        let openingPhrase = phrase(String(opening))
        let openingLatin = " " + latinWords(openingPhrase) + " "
        let labelsScratch = opening.endIndex != trimmed.endIndex && opening != trimmed
            && commands.contains { command in scratchPath(in: command) != nil }
        if !labelsScratch, (codeVerbs + changeVerbs).contains(where: { startsWith(openingLatin, openingPhrase, $0) }) { return nil }
        // Nothing outside the commands and the scratch paths names code of the repository.
        var rest = title
        for command in commands { rest = rest.replacing(command, with: " ") }
        let ownPaths = paths.filter { path in !commands.contains { $0.contains(path) } && !isScratch(path) }
        let ownSpans = codeSpans.filter { span in !commands.contains(TextScan.collapse(span)) && !isScratch(span) }
        if namesCode(title: rest, paths: ownPaths + TextScan.pathMentions(rest), codeSpans: ownSpans) { return nil }
        // After a command, a change it asks for (`… and fix every finding`) is code work; what
        // a scratch step creates lives in the scratch folder.
        if scratch == nil {
            let restPhrase = phrase(rest)
            // A change is to code unless its object is a document (`… or update docs`, `o
            // actualizar la documentación`). In a closing parenthesis only a change joined by a
            // conjunction asks for one (`(… or fix the imports it lists)`; `(one per change)` does not).
            func codeChange(_ words: [String], joined: Bool) -> Bool {
                words.indices.contains { index in
                    guard changeVerbs.contains(words[index]) else { return false }
                    if joined, index == 0 || !conjunctions.contains(words[index - 1]) { return false }
                    let object = words[(index + 1)...].prefix(3).joined(separator: " ")
                    return objectMatch(" " + object + " ", object)?.0 != .documentation
                }
            }
            let words = latinWords(restPhrase).split(separator: " ").map(String.init)
            let allWords = latinWords(rest.lowercased()).split(separator: " ").map(String.init)
            if codeChange(words, joined: false) || codeChange(allWords, joined: true) || changeVerbs.contains(where: { verb in
                verb.unicodeScalars.first.map { $0.value >= 0x2E80 } == true && restPhrase.contains(verb) && !documentChangeCJK(restPhrase, verb)
            }) { return nil }
        }
        if let command = commands.first {
            return "\(Kind.checks.rawValue): it runs a command (“\(command.prefix(60))”) and asks for no change to code"
        }
        return "\(Kind.checks.rawValue): its output goes to a scratch folder (\(scratch!)), not into the repository"
    }

    /// Words right before a command that make it the instrument of the task's verb (`Validate
    /// with \`…\``, `Lint using \`…\``, `Validar con \`…\``, `Valider avec \`…\``, `Mit \`…\` prüfen`).
    static let instrumentWords: Set<String> = ["with", "using", "via", "con", "usando", "mediante", "avec", "mit"]
    /// The same before a command in Chinese (`使用 \`…\` 验证`, `通过 \`…\` 检查`).
    static let instrumentCJK: Set<String> = ["使用", "用", "通过", "通過", "透過", "利用", "借助"]
    /// Verbs whose object is replaced by the command: `Replace the loop with \`find . -name\`` writes code.
    static let replaceVerbs: Set<String> = ["replace", "substitute", "swap", "reemplazar", "sustituir", "remplacer", "ersetzen"]

    /// The lead-in of a task whose command is the instrument of a short verb phrase: the words
    /// before the command end on an instrument word (`with`, `con`, `avec`, `mit`, `使用`), at most
    /// three words come before that word, and at most three follow the command (`Mit \`…\`
    /// prüfen`, `… before merging`). Nil when the command is not built that way.
    static func instrumentLead(_ title: Substring, _ commands: [String]) -> Substring? {
        guard let first = commands.first(where: { title.contains($0) }), let range = title.firstRange(of: first) else { return nil }
        let before = title[..<range.lowerBound]
        var after = String(title[range.upperBound...])
        for command in commands { after = after.replacing(command, with: " ") }
        guard latinWords(after.lowercased()).split(separator: " ").count <= 3 else { return nil }
        let beforeText = String(before).lowercased().trimmingSpaces()
        if instrumentCJK.contains(beforeText) {
            return after.contains(where: \.isLetter) ? before : nil
        }
        let words = latinWords(beforeText).split(separator: " ").map(String.init)
        guard let last = words.last, instrumentWords.contains(last) else { return nil }
        let lead = words.dropLast()
        guard lead.count <= 3, !(lead.isEmpty && !after.contains(where: \.isLetter)) else { return nil }
        if let verb = lead.first, replaceVerbs.contains(verb) { return nil }
        return before
    }

    /// Words that join a second request to a check (`… or fix`, `o corregir`, `oder beheben`).
    static let conjunctions: Set<String> = ["or", "and", "then", "o", "y", "luego", "ou", "et", "puis", "oder", "und", "dann"]

    /// A CJK change verb right before a document noun (`或更新文档`): a change to a document.
    static func documentChangeCJK(_ phrase: String, _ verb: String) -> Bool {
        guard let range = phrase.firstRange(of: verb) else { return false }
        let after = phrase[range.upperBound...].prefix(4)
        return ["文档", "文件說明", "說明", "说明", "ドキュメント"].contains(where: after.hasPrefix)
    }

    /// A command line: a program word (after `NAME=value` settings) and its arguments, with a
    /// flag, a path, a shell operator, or one or two plain words (`go mod tidy`, `npm test`).
    /// A signature (`func load(path string) error`) or a phrase with capitals is not one.
    static func isCommandLine(_ text: String) -> Bool {
        guard text.contains(" ") else { return false }
        if text.contains("(") && !text.contains("$(") { return false }
        var tokens = text.split(separator: " ")[...]
        while let first = tokens.first, isSetting(first) { tokens = tokens.dropFirst() }
        guard let program = tokens.first, isProgram(program) else { return false }
        let arguments = tokens.dropFirst()
        guard !arguments.isEmpty else { return false }
        if ["|", ">", "&&", "||", ";", "$("].contains(where: { text.contains($0) }) { return true }
        if arguments.contains(where: { $0.hasPrefix("-") || $0.contains("/") || $0.hasPrefix(".") }) { return true }
        return arguments.count <= 2 && arguments.allSatisfy { word in
            word.first?.isLowercase == true && word.allSatisfy { ($0.isLetter && $0.isLowercase) || $0.isNumber || $0 == "-" }
        }
    }

    /// `CGO_ENABLED=0`, `RUST_LOG=debug`: an environment setting before a command.
    private static func isSetting(_ token: Substring) -> Bool {
        guard let equals = token.firstIndex(of: "="), equals != token.startIndex else { return false }
        return token[..<equals].allSatisfy { ($0.isLetter && $0.isUppercase) || $0.isNumber || $0 == "_" }
    }

    /// A program as typed at a prompt: lower-case, letters, digits, `-`, `_`, `.`, or `./name`.
    private static func isProgram(_ token: Substring) -> Bool {
        let name = token.hasPrefix("./") ? token.dropFirst(2) : token
        guard let first = name.first, first.isLetter, first.isLowercase else { return false }
        return name.allSatisfy { ($0.isLetter && $0.isLowercase) || $0.isNumber || "-_.".contains($0) }
    }

    /// The first path in a scratch folder the title names (`/tmp/report.txt`), if any.
    static func scratchPath(in title: String) -> String? {
        for token in title.split(whereSeparator: { $0.isWhitespace || "`\"'()".contains($0) }) {
            var path = token
            while let last = path.last, ".,;:\u{3002}\u{FF0C}".contains(last) { path = path.dropLast() }
            if isScratch(String(path)) { return String(path) }
        }
        return nil
    }

    static func isScratch(_ text: String) -> Bool {
        text == "/tmp" || scratchFolders.contains { text.hasPrefix($0) }
    }
}
