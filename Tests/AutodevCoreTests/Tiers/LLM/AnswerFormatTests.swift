@testable import AutodevCore
import AutodevTestSupport
import Synchronization
import Testing

@Suite struct AnswerFormatTests {
    let whole = AnswerFormat(editFormat: .whole)
    let edits = AnswerFormat(editFormat: .searchReplace)

    func answer(_ text: String, finish: LLMAnswer.Finish = .complete) -> LLMAnswer { LLMAnswer(text: text, finish: finish) }
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// A model answering from the prompt alone wrote `.gitignore` for a real task ("add a
    /// .gitignore") and the path policy refused it: the rules it is given name what it may not write.
    @Test("the answer rules name the protected paths the path policy refuses", arguments: [ProviderConfig.EditFormat.whole, .searchReplace])
    func rulesNameProtectedPaths(_ format: ProviderConfig.EditFormat) throws {
        let rules = AnswerFormat.instructions(for: format)
        for path in [".gitignore", ".gitattributes", ".gitmodules", ".github/workflows/", ".gitlab-ci.yml"] {
            #expect(rules.contains("`\(path)`"), "\(path)")
            #expect(PathPolicy().problem(path.hasSuffix("/") ? path + "ci.yml" : path) != nil, "the policy refuses \(path)")
        }
    }

    @Test("a whole file is read after its path line, however the model writes the path", arguments: [
        "src/app.py", "`src/app.py`", "**src/app.py**", "File: src/app.py", "**File:** `src/app.py`", "### src/app.py",
        "# `src/app.py`", "src/app.py:", "./src/app.py", "Filename: src/app.py",
    ])
    func pathLineStyles(_ pathLine: String) throws {
        let text = "Here is the change.\n\n\(pathLine)\n```python\ndef f():\n    return 1\n```\nThat is all.\n"
        let parsed = try whole.parse(answer(text), work: ["w1"], current: { _ in nil })
        #expect(parsed.files == ["w1": ["src/app.py": bytes("def f():\n    return 1\n")]])
        #expect(parsed.problems.isEmpty && parsed.missing.isEmpty)
    }

    @Test("a reasoning model's <think> block is not the answer, drafts of files in it included")
    func reasoningIsSkipped() throws {
        let text = "<think>\nMaybe:\nsrc/app.py\n```python\ndef f(): pass\n```\nNo, better:\n</think>\n\nsrc/app.py\n```python\ndef f():\n    return 1\n```\n"
        let parsed = try whole.parse(answer(text), work: ["w1"], current: { _ in nil })
        #expect(parsed.files == ["w1": ["src/app.py": bytes("def f():\n    return 1\n")]])
        // Cut off while thinking: no answer at all, not the draft.
        #expect(throws: AnswerProblem.self) {
            try whole.parse(answer("<think>\nsrc/app.py\n```python\ndef f(): pass\n```\n"), work: ["w1"], current: { _ in nil })
        }
    }

    @Test("fences: ``` or ~~~ with any info string, and a longer fence wraps a shorter one")
    func fences() throws {
        let text = """
            README.md
            ````markdown
            Usage:
            ```sh
            make
            ```
            ````
            docs/b.txt
            ~~~ text {.numbered}
            b
            ~~~
            """
        let parsed = try whole.parse(answer(text), work: ["w"], current: { _ in nil })
        #expect(parsed.files["w"] == ["README.md": bytes("Usage:\n```sh\nmake\n```\n"), "docs/b.txt": bytes("b\n")])
    }

    @Test("a fenced block without a path line is an example, not a file")
    func exampleBlocksIgnored() throws {
        let text = "Call it like this:\n```python\nf()\n```\nsrc/a.py\n```python\nx = 1\n```\n"
        let parsed = try whole.parse(answer(text), work: ["w"], current: { _ in nil })
        #expect(parsed.files["w"] == ["src/a.py": bytes("x = 1\n")])
    }

    @Test("SEARCH/REPLACE blocks apply in order to the current file, inside a fence or bare")
    func searchReplaceApplies() throws {
        let current = "def greet():\n    return \"Hello\"\n\ndef part():\n    return 1\n"
        let fenced = """
            src/greet.py
            ```python
            <<<<<<< SEARCH
                return "Hello"
            =======
                return "Hello, world"
            >>>>>>> REPLACE

            <<<<<<< SEARCH
            def part():
                return 1
            =======
            def part():
                return 2
            >>>>>>> REPLACE
            ```
            """
        let bare = fenced.split(separator: "\n").filter { !$0.hasPrefix("```") }.joined(separator: "\n")
        let inside = "```python\nsrc/greet.py\n" + fenced.split(separator: "\n").dropFirst(2).joined(separator: "\n")
        for text in [fenced, bare, inside] {
            let parsed = try edits.parse(answer(text), work: ["w"], current: { $0 == "src/greet.py" ? self.bytes(current) : nil })
            #expect(parsed.files["w"] == ["src/greet.py": bytes("def greet():\n    return \"Hello, world\"\n\ndef part():\n    return 2\n")])
        }
    }

    @Test("an empty SEARCH creates a new file, and is refused on a file that exists")
    func emptySearch() throws {
        let text = "src/new.py\n```\n<<<<<<< SEARCH\n=======\nx = 1\n>>>>>>> REPLACE\n```\n"
        let created = try edits.parse(answer(text), work: ["w"], current: { _ in nil })
        #expect(created.files["w"] == ["src/new.py": bytes("x = 1\n")])
        let refused = try edits.parse(answer(text), work: ["w"], current: { _ in self.bytes("y = 2\n") })
        #expect(refused.problems["w"]?.kind == .editDoesNotApply)
        #expect(refused.files.isEmpty)
    }

    @Test("a SEARCH that does not match names the file and quotes its first line")
    func searchMismatch() throws {
        let text = "src/a.py\n```\n<<<<<<< SEARCH\n    return 3\n=======\n    return 4\n>>>>>>> REPLACE\n```\n"
        let parsed = try edits.parse(answer(text), work: ["w"], current: { _ in self.bytes("def f():\n    return 1\n") })
        let problem = try #require(parsed.problems["w"])
        #expect(problem.kind == .editDoesNotApply)
        #expect(problem.path == "src/a.py" && problem.work == "w")
        #expect(problem.message == "src/a.py: the SEARCH starting \"    return 3\" does not match the file")
        #expect(problem.reask.hasPrefix("Your answer could not be used: src/a.py: the SEARCH starting \"    return 3\" does not match the file\n\n"))
    }

    @Test("a SEARCH that matches twice is refused; one that ends at a last line without newline applies")
    func ambiguousAndEndOfFile() throws {
        let twice = "a.txt\n```\n<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n```\n"
        let parsed = try edits.parse(answer(twice), work: ["w"], current: { _ in self.bytes("x\nx\n") })
        #expect(parsed.problems["w"]?.message.contains("matches more than once") == true)
        let last = "a.txt\n```\n<<<<<<< SEARCH\nend\n=======\nfin\n>>>>>>> REPLACE\n```\n"
        let applied = try edits.parse(answer(last), work: ["w"], current: { _ in self.bytes("start\nend") })
        #expect(applied.files["w"] == ["a.txt": bytes("start\nfin")])
    }

    @Test("an edit keeps a CRLF file's line ends")
    func crlfFile() throws {
        let text = "a.txt\n```\n<<<<<<< SEARCH\ntwo\n=======\n2\n>>>>>>> REPLACE\n```\n"
        let parsed = try edits.parse(answer(text), work: ["w"], current: { _ in self.bytes("one\r\ntwo\r\nthree\r\n") })
        #expect(parsed.files["w"] == ["a.txt": bytes("one\r\n2\r\nthree\r\n")])
    }

    @Test("with search-replace, a whole file is accepted for a new file and refused for one that exists")
    func wholeFileInEditMode() throws {
        let text = "src/a.py\n```\nx = 2\n```\n"
        #expect(try edits.parse(answer(text), work: ["w"], current: { _ in nil }).files["w"] == ["src/a.py": bytes("x = 2\n")])
        let refused = try edits.parse(answer(text), work: ["w"], current: { _ in self.bytes("x = 1\n") })
        #expect(refused.problems["w"]?.kind == .wrongFormat)
    }

    @Test("a batch answer gives files per work id, and the ids it left out")
    func batch() throws {
        let text = """
            === WORK a1 ===
            src/a.py
            ```
            a = 1
            ```
            **=== WORK b2 ===**
            src/b.py
            ```
            b = 2
            ```
            === WORK zz ===
            src/z.py
            ```
            z = 0
            ```
            """
        let parsed = try whole.parse(answer(text), work: ["a1", "b2", "c3"], current: { _ in nil })
        #expect(parsed.files == ["a1": ["src/a.py": bytes("a = 1\n")], "b2": ["src/b.py": bytes("b = 2\n")]])
        #expect(parsed.missing == ["c3"])
        #expect(parsed.unknownWork == ["zz"])
    }

    @Test("a batch answer without work markers is a problem; a single item's needs none")
    func batchWithoutMarkers() throws {
        let text = "src/a.py\n```\na = 1\n```\n"
        #expect(try whole.parse(answer(text), work: ["only"], current: { _ in nil }).files["only"] != nil)
        let error = #expect(throws: AnswerProblem.self) { try whole.parse(answer(text), work: ["a", "b"], current: { _ in nil }) }
        #expect(error?.kind == .noFiles)
        #expect(error?.reask.contains("=== WORK <id> ===") == true)
    }

    @Test("an answer unusable as a whole throws its problem", arguments: [
        ("", LLMAnswer.Finish.complete, AnswerProblem.Kind.empty),
        ("  \n\t\n", .complete, .empty),
        ("src/a.py\n```\na = 1\n```\n", .truncated, .truncated),
        ("src/a.py\n```python\na = 1\nb = 2\n", .complete, .unclosedBlock),
        ("src/a.py\n<<<<<<< SEARCH\na\n=======\nb\n", .complete, .unclosedBlock),
        ("I cannot do that: the requirement is unclear.", .complete, .noFiles),
        ("<html><body>502 Bad Gateway</body></html>", .complete, .noFiles),
    ])
    func wholeAnswerProblems(_ text: String, _ finish: LLMAnswer.Finish, _ kind: AnswerProblem.Kind) {
        let error = #expect(throws: AnswerProblem.self) { try whole.parse(answer(text, finish: finish), work: ["w"], current: { _ in nil }) }
        #expect(error?.kind == kind)
        #expect(error?.reask.isEmpty == false)
    }

    @Test("a path outside the repository, or under .git or .auto-dev, makes the item's part unusable", arguments: [
        "/etc/passwd", "../outside.py", "src/../../outside.py", ".git/config", "vendor/lib/.git/hooks/pre-commit", ".GIT/HEAD",
        ".auto-dev/loop/state.json", "`C:\\\\Windows\\\\a.txt`", "src//a.py", "~/a.py",
    ])
    func unsafePaths(_ path: String) throws {
        let text = "src/ok.py\n```\nok = 1\n```\n\(path)\n```\nbad = 1\n```\n"
        let parsed = try whole.parse(answer(text), work: ["w"], current: { _ in nil })
        #expect(parsed.problems["w"]?.kind == .unsafePath)
        #expect(parsed.files.isEmpty, "never a partial result")
    }

    @Test("the same path twice: identical content is one file, different content a problem")
    func duplicatePaths() throws {
        let same = "a.py\n```\nx\n```\na.py\n```\nx\n```\n"
        #expect(try whole.parse(answer(same), work: ["w"], current: { _ in nil }).files["w"] == ["a.py": bytes("x\n")])
        let different = "a.py\n```\nx\n```\na.py\n```\ny\n```\n"
        #expect(try whole.parse(answer(different), work: ["w"], current: { _ in nil }).problems["w"]?.kind == .conflictingFile)
    }

    @Test("a file over the size limit is a problem")
    func sizeLimit() throws {
        let small = AnswerFormat(editFormat: .whole, maxFileBytes: 16)
        let text = "a.txt\n```\n" + String(repeating: "x", count: 17) + "\n```\n"
        #expect(try small.parse(answer(text), work: ["w"], current: { _ in nil }).problems["w"]?.kind == .tooLarge)
        #expect(try whole.parse(answer(text), work: ["w"], current: { _ in nil }).files["w"]?["a.txt"]?.count == 18)
    }

    /// Counts calls from any thread.
    final class Calls: Sendable {
        let count = Mutex(0)
        func add() { count.withLock { $0 += 1 } }
    }

    static func files(_ count: Int) -> String { (0..<count).map { "f/\($0).txt\n```\nx\n```\n" }.joined() }

    @Test("more files than max_files make the whole answer unusable, and reading stops at the first one over")
    func fileCap() throws {
        let capped = AnswerFormat(editFormat: .whole, maxFiles: 3)
        #expect(try capped.parse(answer(Self.files(3)), work: ["w"], current: { _ in nil }).files["w"]?.count == 3)
        // An edit block with a path counts as a file too.
        let edit = "a.py\n<<<<<<< SEARCH\n=======\nx\n>>>>>>> REPLACE\n"
        #expect { try capped.parse(answer(Self.files(3) + edit), work: ["w"], current: { _ in nil }) } throws: { error in
            (error as? AnswerProblem)?.kind == .tooManyFiles && "\(error)".contains("more than 3 files") && "\(error)".contains("line 14")
        }
        // 100,000 files (400,000 lines): the stop check, polled every 4096 lines read, ran once,
        // so reading ended within the first 4096 lines.
        let calls = Calls()
        let polled = AnswerFormat(editFormat: .whole, maxFiles: 200, stopRequested: { calls.add(); return false })
        #expect { try polled.parse(answer(Self.files(100_000)), work: ["w"], current: { _ in nil }) } throws: { error in
            (error as? AnswerProblem)?.kind == .tooManyFiles && "\(error)".contains("more than 200 files")
        }
        #expect(calls.count.withLock { $0 } == 1)
    }

    @Test("a stop request ends the reading of a long answer")
    func stopWhileReading() throws {
        let calls = Calls()
        // The stop comes at the third poll: after 8192 lines of a 40,000-line answer.
        let format = AnswerFormat(editFormat: .whole, maxFiles: 100_000, stopRequested: {
            calls.add()
            return calls.count.withLock { $0 } >= 3
        })
        #expect { try format.parse(answer(Self.files(10_000)), work: ["w"], current: { _ in nil }) } throws: { error in
            (error as? AnswerProblem)?.kind == .stopped
        }
        #expect(calls.count.withLock { $0 } == 3)
        #expect(try AnswerFormat(editFormat: .whole, maxFiles: 10_000).parse(answer(Self.files(10_000)), work: ["w"],
                                                                              current: { _ in nil }).files["w"]?.count == 10_000)
    }

    @Test("one bad edit in an item's part leaves none of its files; other items of the batch keep theirs")
    func noPartialResult() throws {
        let text = """
            === WORK a ===
            new.py
            ```
            <<<<<<< SEARCH
            =======
            n = 1
            >>>>>>> REPLACE
            ```
            old.py
            ```
            <<<<<<< SEARCH
            missing
            =======
            m
            >>>>>>> REPLACE
            ```
            === WORK b ===
            b.py
            ```
            b = 1
            ```
            """
        let parsed = try edits.parse(answer(text), work: ["a", "b"], current: { $0 == "old.py" ? self.bytes("o\n") : nil })
        #expect(parsed.files == ["b": ["b.py": bytes("b = 1\n")]])
        #expect(parsed.problems["a"]?.kind == .editDoesNotApply)
    }

    @Test("the format's own examples parse with its parser", arguments: ProviderConfig.EditFormat.allCases)
    func instructionsExampleParses(_ format: ProviderConfig.EditFormat) throws {
        let parser = AnswerFormat(editFormat: format)
        let parsed = try parser.parse(answer(AnswerFormat.instructions(for: format)), work: ["w"],
                                      current: { _ in format == .whole ? nil : self.bytes("def greet(name):\n    return \"Hello\"\n") })
        let file = try #require(parsed.files["w"]?["src/greeting.py"])
        #expect(String(decoding: file, as: UTF8.self).contains("Hello, {name}"))
    }

    @Test("cut and mangled answers are a problem or a result, never a crash")
    func mangledAnswers() {
        let good = """
            === WORK a ===
            src/a.py
            ```python
            <<<<<<< SEARCH
            x = 1
            =======
            x = 2
            >>>>>>> REPLACE
            ```
            === WORK b ===
            **File:** `src/b.py`
            ~~~
            b = 1
            ~~~
            """
        var random = SeededRandom(seed: 12)
        let characters = Array(good)
        for _ in 0..<400 {
            var mangled = characters
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let index = Int.random(in: 0..<mangled.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: mangled.remove(at: index)
                case 1: mangled.insert(["`", "\n", "<", "=", "/", "."].randomElement(using: &random)!, at: index)
                default: mangled = Array(mangled.prefix(index))
                }
                if mangled.isEmpty { break }
            }
            do {
                let parsed = try edits.parse(answer(String(mangled)), work: ["a", "b"], current: { _ in self.bytes("x = 1\n") })
                for (id, files) in parsed.files {
                    #expect(parsed.problems[id] == nil && !parsed.missing.contains(id))
                    for path in files.keys { #expect(AnswerFormat.unsafeReason(path) == nil) }
                }
            } catch {
                #expect(!error.reask.isEmpty)
            }
        }
    }
}
