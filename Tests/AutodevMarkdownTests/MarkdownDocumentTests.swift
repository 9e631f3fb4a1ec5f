import AutodevMarkdown
import Testing

@Suite struct MarkdownDocumentTests {
    @Test func headingsInsideCodeFencesAreNotHeadings() {
        let doc = MarkdownDocument(parsing: """
            # Title

            ```markdown
            ## Not a heading
            ```

            ## Real
            """)
        let headings = doc.blocks.compactMap { block -> String? in
            if case .heading = block.kind { return block.text }
            return nil
        }
        #expect(headings == ["Title", "Real"])
        #expect(doc.blocks.contains { $0.kind == .codeBlock(info: "markdown") && $0.text == "## Not a heading\n" })
    }

    @Test func taskItemsCarryTheirStateAndInlineMarkupIsReducedToText() throws {
        let doc = MarkdownDocument(parsing: """
            - [ ] T001 Create `src/app.py`
            - [x] **T002** [done](docs/x.md)
              continued
            - plain
            """)
        let list = try #require(doc.blocks.first)
        #expect(list.kind == .list(ordered: false))
        let items = list.children
        #expect(items.map(\.kind) == [.item(task: .open), .item(task: .done), .item(task: nil)])
        #expect(items.map { $0.children.first?.text } == ["T001 Create src/app.py", "T002 done continued", "plain"])
        #expect(items[1].children.first?.destinations == ["docs/x.md"])
    }

    /// `__init__.py` is a file name, not "init" in bold: names keep their underscores, emphasis
    /// written for a reader does not.
    @Test func underscoresOfNamesStayWhileEmphasisGoes() throws {
        let doc = MarkdownDocument(parsing: """
            - [ ] T003 Create src/models/__init__.py and tests/__init__.py
            - [ ] T004 Add the __init__ method and __post_init__ validation
            - [ ] T005 Keep my__private__name and run_this_now
            - [ ] T006 A __Note__ for _you_ with **stars** and *stars*
            - [ ] T007 Delete __pycache__/ folders
            > quoted __init__.py
            > on two lines: __main__.py
            """)
        let texts = doc.blocks.flatMap { $0.children }.map { $0.children.first?.text ?? $0.text }
        #expect(texts == ["T003 Create src/models/__init__.py and tests/__init__.py",
                          "T004 Add the __init__ method and __post_init__ validation",
                          "T005 Keep my__private__name and run_this_now",
                          "T006 A Note for you with stars and stars",
                          "T007 Delete __pycache__/ folders",
                          "quoted __init__.py on two lines: __main__.py"])
    }

    @Test func tablesBecomeRowsOfCells() throws {
        let doc = MarkdownDocument(parsing: """
            | ID | Requirement | Status |
            |----|-------------|--------|
            | FR-001 | System **MUST** log in | done |
            """)
        let table = try #require(doc.blocks.first)
        #expect(table.kind == .table)
        let rows = table.children.map { $0.children.map(\.text) }
        #expect(rows == [["ID", "Requirement", "Status"], ["FR-001", "System MUST log in", "done"]])
        #expect(table.children.map(\.kind) == [.tableRow(header: true), .tableRow(header: false)])
    }

    @Test func lineNumbersAreThoseOfTheSource() {
        let doc = MarkdownDocument(parsing: "# A\n\ntext\n\n## B\n")
        #expect(doc.blocks.map(\.line) == [1, 3, 5])
    }

    @Test func pathologicalNestingIsFlattenedNotFatal() {
        let depth = 20_000
        let quotes = String(repeating: "> ", count: depth) + "deep\n"
        let lists = (0..<1_500).map { String(repeating: "  ", count: $0) + "- item \($0)" }.joined(separator: "\n")
        for source in [quotes, lists] {
            let doc = MarkdownDocument(parsing: source)
            var maxDepth = 0
            var stack = doc.blocks.map { ($0, 1) }
            while let (block, depth) = stack.popLast() {
                maxDepth = max(maxDepth, depth)
                stack.append(contentsOf: block.children.map { ($0, depth + 1) })
            }
            #expect(maxDepth <= MarkdownDocument.maximumDepth + 1)
            #expect(doc.blocks.first?.allText.contains(source == quotes ? "deep" : "item 1499") == true)
        }
    }

    @Test func invalidUTF8AndNULBytesDoNotStopParsing() {
        let bytes: [UInt8] = Array("# Head\u{0}ing\n\nok ".utf8) + [0xFF, 0xFE] + Array(" end\n".utf8)
        let doc = MarkdownDocument(parsing: bytes)
        #expect(doc.blocks.count == 2)
        #expect(doc.blocks[1].text == "ok \u{FFFD}\u{FFFD} end")
    }
}
