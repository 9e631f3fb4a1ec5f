import AutodevTestSupport
import Foundation
import Testing

/// End to end (the built binary's `diff-events --explain --json` on real repositories): the
/// shapes of issue 21's sixth fresh replay, written again by hand.
///
/// - A check whose verb comes last (Japanese `…を確認する`, `…と照合する`, `…を実行する`;
///   Korean `…를 검증한다`; German `… abgleichen`) is a check like English `Verify …`, whatever
///   it names; a change asked before it (`…を追加し、…を確認する`) keeps it code.
/// - A negated change that bounds the change (`Avoid adding … in this change`, `…は追加しない`,
///   `不要引入…`, `No añadir …`, `Keine … hinzufügen`) asks for nothing to be written; a negated
///   behaviour (`Do not retry …`, `Ensure \`lookup\` does not modify …`) stays code.
/// - A command that is the instrument of a short lead-in (`Validate with \`openspec validate
///   --strict\``, `Validar con \`…\``, `使用 \`…\` 检查`, `Mit \`…\` prüfen`) is a check;
///   `Replace the loop with \`…\`` and `Add \`…\` to CI` stay code.
@Suite struct FreshRound14Tests {
    static func decide(_ fixture: GitFixture, _ spec: String, _ text: String) throws -> [String: (action: String, rule: String, reason: String)] {
        let base = try fixture.commit("base")
        try fixture.write(spec, text)
        let head = try fixture.commit("plan")
        return try StructureDecisionsTests.decisions(fixture, "\(base)..\(head)")
    }

    static func rustProject() throws -> GitFixture {
        let fixture = try GitFixture()
        try fixture.write("Cargo.toml", "[package]\nname = \"almacen\"\nversion = \"0.1.0\"\n")
        try fixture.write("src/lib.rs", "pub struct Cache;\npub fn lookup() -> Option<u32> { None }\n")
        return fixture
    }

    @Test func japaneseAndKoreanChecksWithTheirVerbLastAreNotCodeWork() throws {
        let fixture = try Self.rustProject()
        let decided = try Self.decide(fixture, "openspec/changes/add-expiry/tasks.md", """
            ## 1. 現状の確認

            - [ ] 1.1 既存の `Cache` と `lookup` の責務を spec と照合する。
            - [ ] 1.2 期限切れのエントリが一覧に残らないことを確認する。
            - [ ] 1.3 `add-expiry` の OpenSpec validation を実行する。
            - [ ] 1.4 `Cache` に `expire` を追加し、`lookup` から呼んで動作を確認する。

            ## 2. 구현

            - [ ] 2.1 만료된 항목이 조회되지 않는지 검증한다
            - [ ] 2.2 `src/expiry.rs`에 `ExpiryPolicy`를 추가하고 동작을 확인한다
            - [ ] 2.3 `src/expiry.rs` に `ExpiryPolicy` を実装する。
            """)
        for key in ["Task 1.1", "Task 1.2", "Task 1.3", "Task 2.1"] {
            #expect(decided[key]?.rule == "task-not-code", "\(key): \(decided[key].map { "\($0)" } ?? "none")")
            #expect(decided[key]?.reason.contains("final verb") == true, "\(key): \(decided[key]?.reason ?? "")")
        }
        // A change before the final check, or a change as the final verb: code work.
        for key in ["Task 1.4", "Task 2.2", "Task 2.3"] {
            #expect(decided[key]?.action == "newImplementation", "\(key): \(decided[key].map { "\($0)" } ?? "none")")
        }
    }

    @Test func underATestsOrCoverageHeadingAConfirmationWritesItsTest() throws {
        let fixture = try Self.rustProject()
        let decided = try Self.decide(fixture, "openspec/changes/add-expiry/tasks.md", """
            ## 1. 現状の確認

            - [ ] 1.1 期限切れのエントリが一覧に残らないことを確認する。

            ## 2. 契約カバレッジ

            - [ ] 2.1 期限切れのエントリが一覧に残らないことを確認する。
            - [ ] 2.2 eviction metrics がこの change に入っていないことを確認する。

            ## 3. Contract tests

            - [ ] 3.1 만료된 항목이 조회되지 않는지 검증한다
            """)
        #expect(decided["Task 1.1"]?.rule == "task-not-code", "\(decided["Task 1.1"].map { "\($0)" } ?? "none")")
        #expect(decided["Task 2.1"]?.action == "newImplementation", "\(decided["Task 2.1"].map { "\($0)" } ?? "none")")
        #expect(decided["Task 3.1"]?.action == "newImplementation", "\(decided["Task 3.1"].map { "\($0)" } ?? "none")")
        // A check of the change's own scope is a check wherever it sits.
        #expect(decided["Task 2.2"]?.rule == "task-not-code", "\(decided["Task 2.2"].map { "\($0)" } ?? "none")")
    }

    /// A ticked task that names several code files, one of which a later rewrite deletes: its
    /// work lives on in the others, nothing to restore. A ticked task whose only file goes, and an
    /// open task, still ask for the link.
    @Test func aTickedTaskWhoseOtherFilesLiveOnLosesNothingWhenARewriteDeletesOne() throws {
        let fixture = try GitFixture()
        try fixture.write("go.mod", "module example.com/tool\n")
        try fixture.write("internal/cli/workflow.go", "package cli\n\nfunc workflow() error { return nil }\n")
        try fixture.write("internal/cli/implement.go", "package cli\n\nfunc implement() error { return nil }\n")
        try fixture.write("internal/cli/status.go", "package cli\n\nfunc status() error { return nil }\n")
        try fixture.write("internal/cli/legacy.go", "package cli\n\nfunc legacy() error { return nil }\n")
        try fixture.write("specs/003-timeout/tasks.md", """
            # Tasks: Command timeout

            ## Phase 3: User Story 3

            - [X] T022 [US3] Add CLI error handling for TimeoutError with exit code 5 in relevant CLI commands (internal/cli/workflow.go, full.go, implement.go, etc.)
            - [X] T023 [US3] Print the status line in internal/cli/legacy.go
            - [ ] T024 [US3] Show the timeout in internal/cli/status.go and internal/cli/implement.go
            """)
        let base = try fixture.commit("timeout feature")
        try fixture.remove("internal/cli/workflow.go")
        try fixture.remove("internal/cli/legacy.go")
        try fixture.remove("internal/cli/status.go")
        try fixture.write("internal/cli/run.go", "package cli\n\nfunc run() error { return nil }\n")
        let head = try fixture.commit("rewrite the CLI around run")
        let result = try AutodevBinary.run(["diff-events", "--explain", "--json", "\(base)..\(head)"], in: fixture.path)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try DiffEventsCommandTests.json(result)
        var byKey: [String: (String, String)] = [:]
        for decision in try #require(object["decisions"] as? [[String: Any]]) {
            guard let requirement = decision["requirement"] as? [String: Any], let key = requirement["key"] as? String else { continue }
            byKey[key] = (decision["rule"] as! String, decision["reason"] as! String)
        }
        #expect(byKey["T022"]?.0 == "deleted-link-not-work", "\(byKey["T022"].map { "\($0)" } ?? "none")")
        // `implement.go` sits past the point where the long title is cut: the task's whole text counts.
        #expect(byKey["T022"]?.1.contains("internal/cli/implement.go") == true, "\(byKey["T022"]?.1 ?? "")")
        #expect(byKey["T023"]?.0 == "code-breaks-link", "\(byKey["T023"].map { "\($0)" } ?? "none")")
        #expect(byKey["T024"]?.0 == "code-breaks-link", "\(byKey["T024"].map { "\($0)" } ?? "none")")
    }

    /// A Kiro task whose title checks (`…の統合を検証する`) but whose steps build something
    /// (`…が反映されるようにする`) is code work; one whose steps only confirm stays a check; and a
    /// parent's final check verb does not make its numbered steps checks.
    @Test func aKiroTaskWhoseStepsBuildIsCodeWhateverItsTitlesFinalVerb() throws {
        let fixture = try Self.rustProject()
        let decided = try Self.decide(fixture, ".kiro/specs/membership/tasks.md", """
            # 実装計画

            - [ ] 5. 境界を検証する
            - [ ] 5.1 到達性の変化を扱うテストを追加する
              - _Requirements: 1.1_

            - [ ] 6. coordinator と snapshot の統合を検証する
              - 到達性の変化が status の遷移に反映されるようにする。
              - snapshot が到達性を保持することを確認する。
              - _Requirements: 1.2_

            - [ ] 7. 隣接 spec の範囲を取り込んでいないことを検証する
              - gossip の実装をこの機能に含めていないことを確認する。
              - _Requirements: 1.3_
            """)
        #expect(decided["Task 5.1"]?.action == "newImplementation", "\(decided["Task 5.1"].map { "\($0)" } ?? "none")")
        #expect(decided["Task 6"]?.action == "newImplementation", "\(decided["Task 6"].map { "\($0)" } ?? "none")")
        #expect(decided["Task 7"]?.rule == "task-not-code", "\(decided["Task 7"].map { "\($0)" } ?? "none")")
    }

    @Test func aGermanVerbLastCheckIsAChecksStepAndItsChangeStaysWork() throws {
        let fixture = try Self.rustProject()
        let decided = try Self.decide(fixture, "openspec/changes/ablauf/tasks.md", """
            ## 1. Vorbereitung

            - [ ] 1.1 Vorhandene Cache-Tests gegen die Spezifikation abgleichen
            - [ ] 1.2 Ablaufregel in `src/ablauf.rs` hinzufügen und gegen die Tests prüfen
            """)
        #expect(decided["Task 1.1"]?.rule == "task-not-code", "\(decided["Task 1.1"].map { "\($0)" } ?? "none")")
        #expect(decided["Task 1.2"]?.action == "newImplementation", "\(decided["Task 1.2"].map { "\($0)" } ?? "none")")
    }

    @Test func limitsOnTheChangesScopeAreNotWorkInFiveLanguages() throws {
        let fixture = try Self.rustProject()
        let decided = try Self.decide(fixture, "openspec/changes/add-expiry/tasks.md", """
            ## 1. Scope

            - [ ] 1.1 Avoid adding eviction metrics or a background sweeper in this change.
            - [ ] 1.2 Keep `Cache` a plain struct; do not add locking in this change.
            - [ ] 1.3 Ensure the change does not modify the public `lookup` signature.
            - [ ] 1.4 公開 API は追加しない。
            - [ ] 1.5 不要な変更を入れない。
            - [ ] 1.6 不要引入新的缓存后端
            - [ ] 1.7 No añadir métricas de expulsión en este cambio
            - [ ] 1.8 Keine neue öffentliche API hinzufügen

            ## 2. Behaviour

            - [ ] 2.1 Do not retry a lookup after a miss
            - [ ] 2.2 Ensure `lookup` does not modify the entry it returns
            - [ ] 2.3 空の入力で panic しないようにする。
            - [ ] 2.4 Add `expire` to `Cache` in src/lib.rs
            """)
        for key in ["Task 1.1", "Task 1.2", "Task 1.3", "Task 1.4", "Task 1.5", "Task 1.6", "Task 1.7", "Task 1.8"] {
            #expect(decided[key]?.rule == "task-not-code", "\(key): \(decided[key].map { "\($0)" } ?? "none")")
            #expect(decided[key]?.reason.contains("scope") == true, "\(key): \(decided[key]?.reason ?? "")")
        }
        // A negated behaviour is a feature to build; a change stays a change.
        for key in ["Task 2.1", "Task 2.2", "Task 2.3", "Task 2.4"] {
            #expect(decided[key]?.rule != "task-not-code", "\(key): \(decided[key].map { "\($0)" } ?? "none")")
        }
    }

    @Test func aCommandThatIsTheInstrumentOfAShortLeadInIsACheck() throws {
        let fixture = try Self.rustProject()
        let decided = try Self.decide(fixture, "openspec/changes/add-expiry/tasks.md", """
            ## 1. Checks

            - [ ] 1.1 Validate with `openspec validate add-expiry --strict --no-interactive`
            - [ ] 1.2 Validar con `cargo clippy --all-targets -- -D warnings`
            - [ ] 1.3 使用 `cargo test --workspace` 检查
            - [ ] 1.4 Mit `cargo fmt --check` prüfen
            - [ ] 1.5 Valider avec `cargo test --doc` avant la fusion

            ## 2. Code

            - [ ] 2.1 Replace the manual scan with `find src -name '*.rs'` in the build script build.rs
            - [ ] 2.2 Add `cargo deny check` to the CI workflow
            - [ ] 2.3 Validate with `cargo test` and fix the expiry tests it reports
            """)
        for key in ["Task 1.1", "Task 1.2", "Task 1.3", "Task 1.4", "Task 1.5"] {
            #expect(decided[key]?.rule == "task-not-code", "\(key): \(decided[key].map { "\($0)" } ?? "none")")
        }
        // German puts the verb last: the final-verb check reads it first (`prüfen`).
        for key in ["Task 1.1", "Task 1.2", "Task 1.3", "Task 1.5"] {
            #expect(decided[key]?.reason.contains("runs a command") == true, "\(key): \(decided[key]?.reason ?? "")")
        }
        for key in ["Task 2.1", "Task 2.2", "Task 2.3"] {
            #expect(decided[key]?.rule != "task-not-code", "\(key): \(decided[key].map { "\($0)" } ?? "none")")
        }
    }
}
