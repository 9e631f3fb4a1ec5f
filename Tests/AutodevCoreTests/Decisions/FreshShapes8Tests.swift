@testable import AutodevCore
import AutodevGit
import AutodevTestSupport
import Testing

/// Shapes earlier fresh rounds of issue 21 still decided wrong on repositories nobody here had
/// tuned for: process steps written in non-Latin scripts, a BMAD story's list of what its tests
/// cover, a final checkpoint, the test material of a manual-testing phase, a conditional process
/// step, a task that extends another by its id, and a heading marked "(Unchanged)" over a
/// reworded body. Each written by hand for these tests (no text copied from a repository), in
/// English and at least two other languages where the shape is linguistic.
@Suite struct FreshShapes8Tests {
    static func decide(_ files: [String: String], base: [String: String] = [:]) throws -> [String] {
        try UnseenShapesTests.decide(files, base: base)
    }

    // MARK: a. Process steps in non-Latin scripts

    /// Committing and pushing, checking by hand and writing into a documentation folder are a
    /// person's steps in Chinese, Japanese, Korean and Russian as they are in English; a task
    /// beside them that names code or builds a feature stays work.
    @Test func processStepsInNonLatinScriptsAreNotCode() throws {
        let decided = try Self.decide([
            "openspec/changes/add-login-limit/tasks.md": """
                ## 1. 登录限流

                - [ ] 1.1 在 `src/auth/limit.ts` 中添加登录限流
                - [ ] 1.2 提交并推送更改
                - [ ] 1.3 手动验证登录流程
                - [ ] 1.4 在 docs/ 目录下编写部署说明
                - [ ] 1.5 添加登录失败次数统计
                """,
            "openspec/changes/add-login-limit-ja/tasks.md": """
                ## 1. ログイン制限

                - [ ] 1.1 `src/auth/limit.ts` にログイン制限を追加する
                - [ ] 1.2 変更をコミットしてプッシュする
                - [ ] 1.3 ログインの流れを手動で確認する
                - [ ] 1.4 docs/ フォルダにデプロイ手順を書く
                - [ ] 1.5 ログイン失敗回数のカウンターを追加する
                """,
            "openspec/changes/add-login-limit-ko/tasks.md": """
                ## 1. 로그인 제한

                - [ ] 1.1 `src/auth/limit.ts`에 로그인 제한 추가
                - [ ] 1.2 변경 사항 커밋 및 푸시
                - [ ] 1.3 로그인 흐름 수동 검증
                - [ ] 1.4 docs/ 폴더에 배포 안내 작성
                """,
            "openspec/changes/add-login-limit-ru/tasks.md": """
                ## 1. Ограничение входа

                - [ ] 1.1 Добавить ограничение входа в `src/auth/limit.ts`
                - [ ] 1.2 Закоммитить и отправить изменения
                - [ ] 1.3 Вручную проверить процесс входа
                - [ ] 1.4 Написать инструкцию по развёртыванию в папке docs/
                - [ ] 1.5 Добавить счётчик неудачных попыток входа
                """,
            "openspec/changes/add-login-limit-en/tasks.md": """
                ## 1. Login limit

                - [ ] 1.1 Add the login limit to `src/auth/limit.ts`
                - [ ] 1.2 Commit and push the changes
                - [ ] 1.3 Manually verify the login flow
                - [ ] 1.4 Write the deployment notes in the docs/ folder
                """,
        ])
        let lines = decided.joined(separator: "\n")
        // Five task lists, each with its process steps 1.2–1.4 skipped and its code tasks kept.
        #expect(decided.filter { $0.hasPrefix("skip Task 1.2 [task-not-code]") }.count == 5, "\(lines)")
        #expect(decided.filter { $0.hasPrefix("skip Task 1.3 [task-not-code]") }.count == 5, "\(lines)")
        #expect(decided.filter { $0.hasPrefix("skip Task 1.4 [task-not-code]") }.count == 5, "\(lines)")
        #expect(decided.filter { $0 == "newImplementation Task 1.1 [requirement-added]" }.count == 5, "\(lines)")
        #expect(decided.filter { $0 == "newImplementation Task 1.5 [requirement-added]" }.count == 3, "\(lines)")
    }

    /// A heading that loses the "new" its author wrote before it in Chinese or Japanese (`新增导出设置`
    /// → `导出设置（不变）`, `新しいエクスポート設定` → `エクスポート設定（変更なし）`) is the same section,
    /// as `New Export Settings` → `Export Settings (Unchanged)` is: not a removal beside an addition.
    @Test(arguments: [
        ("新增导出设置", "导出设置（不变）", "在 `src/export_settings.py` 中加入每页行数和货币，启动时读取一次。",
         "此处没有变化：`src/export_settings.py` 保留原有的配置项。"),
        ("新しいエクスポート設定", "エクスポート設定（変更なし）", "`src/export_settings.py` にページサイズと通貨を追加し、起動時に一度読む。",
         "ここは変わらない：`src/export_settings.py` は以前の設定項目をそのまま持つ。"),
        ("新的导出设置", "导出设置", "在 `src/export_settings.py` 中加入每页行数和货币，启动时读取一次。",
         "此处没有变化：`src/export_settings.py` 保留原有的配置项。"),
    ])
    func aLeadingNewInCJKIsDropped(before: String, after: String, body: String, rewrite: String) throws {
        let fixture = try GitFixture()
        try fixture.write("src/export_settings.py", "PAGE_SIZE = 1000\nCURRENCY = \"EUR\"\n")
        let path = ".claude/specs/report-export/design.md"
        func design(_ heading: String, _ text: String) -> String {
            "# 设计：报表导出\n\n## 数据模型\n\n每一行导出数据包含账户名称、周期开始日期和总金额。\n\n## \(heading)\n\n\(text)\n"
        }
        try fixture.write(path, design(before, body))
        let c0 = try fixture.commit("design")
        try fixture.write(path, design(after, rewrite))
        let c1 = try fixture.commit("settings are no longer new")
        let (lines, report) = try DocumentTitleIdentityTests.decisions(fixture, "\(c0)..\(c1)")
        #expect(!lines.contains { $0.hasPrefix("retireImplementation ") || $0.contains("removed") || $0.contains("added") }, "\(lines)")
        let renamed = report.decisions?.first { $0.requirement?.change == .renamed }
        #expect(renamed != nil, "\(lines)")
    }

    // MARK: b. What a BMAD story's tests cover

    /// The boxed points under an unboxed "Ensure these tests cover:" (or "Tests should cover:",
    /// "**Test Coverage**", "Las pruebas deben cubrir:", "测试应覆盖：") are the content of one
    /// test task, not a task each; a boxed list under any other label stays a task per box.
    @Test func pointsATestTaskCoversAreOneTask() throws {
        let story = { (id: String, label: String, points: [String]) in
            """
            # Story \(id): CSV export

            ## Status

            Approved

            ## Story

            As an analyst I want to export a report as CSV so that I can open it in a spreadsheet.

            ## Acceptance Criteria

            1. The export writes one row per report line.

            ## Tasks / Subtasks

            - [ ] Task 1: Add the CSV writer in `backend/app/export/csv_writer.py` (AC: 1)
            - [ ] Task 2: Unit tests for the writer in `backend/tests/test_csv_writer.py` (AC: 1)
            - \(label)
            \(points.map { "  - [ ] \($0)" }.joined(separator: "\n"))

            ## Dev Notes

            Use the standard library's csv module.
            """
        }
        let decided = try Self.decide([
            "docs/stories/2.1.csv-export.md": story("2.1", "Ensure these tests cover:", ["an empty report", "a comma inside a cell", "names outside ASCII"]),
            "docs/stories/2.2.csv-export.md": story("2.2", "**Test Coverage**", ["an empty report", "a comma inside a cell"]),
            "docs/stories/2.3.csv-export.md": story("2.3", "Las pruebas deben cubrir:", ["un informe vacío", "una coma dentro de una celda"]),
            "docs/stories/2.4.csv-export.md": story("2.4", "测试应覆盖：", ["空报表", "单元格内的逗号", "非 ASCII 名称"]),
            "docs/stories/2.5.csv-export.md": story("2.5", "Follow-ups:", ["Add a download button in `frontend/src/ExportButton.tsx`", "Add a progress bar in `frontend/src/ExportProgress.tsx`"]),
            // The label as a paragraph of its own over the boxed list (French).
            "docs/stories/2.6.csv-export.md": story("2.6", "Les tests doivent couvrir :", ["un rapport vide", "une virgule dans une cellule"])
                .replacing("- Les tests doivent couvrir :\n  - [ ] un rapport vide\n  - [ ] une virgule",
                           with: "\nLes tests doivent couvrir :\n\n- [ ] un rapport vide\n- [ ] une virgule"),
        ])
        let lines = decided.joined(separator: "\n")
        for id in ["2.1", "2.2", "2.3", "2.4", "2.6"] {
            let tasks = decided.filter { $0.contains(" Story \(id) Task ") }
            #expect(tasks.count == 3, "\(id): \(lines)")
            #expect(!decided.contains { $0.contains(" Story \(id) Task 4 ") }, "\(id): \(lines)")
        }
        // The other label's boxes stay one task each.
        #expect(decided.filter { $0.contains(" Story 2.5 Task ") }.count == 4, "\(lines)")
    }

    // MARK: c. A final checkpoint

    /// Kiro's `Final Checkpoint - Ensure all tests pass` is a checkpoint as `Checkpoint - …` is,
    /// in Spanish (`Punto de control final`), Chinese (`最终检查点`) and Japanese; a task that
    /// builds checkpoints (`Add checkpoint persistence`) stays work.
    @Test func aFinalCheckpointIsACheck() throws {
        let decided = try Self.decide([
            ".kiro/specs/report-export/tasks.md": """
                # Implementation Plan

                - [ ] 1. Add the CSV writer in `src/export/csv.ts`
                - [ ] 2. Checkpoint - Ensure all tests pass, ask the user if questions arise
                - [ ] 3. Add checkpoint persistence for long exports
                - [ ] 4. Final Checkpoint - Ensure all tests pass
                - [ ] 5. Final checkpoint
                """,
            ".kiro/specs/exportacion/tasks.md": """
                # Plan de implementación

                - [ ] 1. Añadir el escritor CSV en `src/export/csv.ts`
                - [ ] 2. Punto de control final - Asegurar que todas las pruebas pasan
                """,
            ".kiro/specs/daochu/tasks.md": """
                # 实施计划

                - [ ] 1. 在 `src/export/csv.ts` 中添加 CSV 写入器
                - [ ] 2. 最终检查点 - 确保所有测试通过
                """,
            ".kiro/specs/ekusupooto/tasks.md": """
                # 実装計画

                - [ ] 1. `src/export/csv.ts` に CSV ライターを追加する
                - [ ] 2. 最終チェックポイント - すべてのテストが通ることを確認する
                """,
        ])
        let lines = decided.joined(separator: "\n")
        #expect(decided.filter { $0.hasPrefix("skip Task 2 [task-not-code]") }.count == 4, "\(lines)")
        #expect(decided.contains("skip Task 4 [task-not-code]"), "\(lines)")
        #expect(decided.contains("skip Task 5 [task-not-code]"), "\(lines)")
        #expect(decided.contains("newImplementation Task 3 [requirement-added]"), "\(lines)")
        #expect(decided.filter { $0 == "newImplementation Task 1 [requirement-added]" }.count == 4, "\(lines)")
    }

    // MARK: d. The material of a manual test

    /// In a phase about testing by hand, creating the test file or the script the person runs
    /// is part of that manual test, and a manual smoke test that names the test file it runs by
    /// hand is one; a code task in the same phase, creating a test file in a phase that writes
    /// code, and a manual workflow that builds a tool (a script it names, not a test file) stay work.
    @Test func theMaterialOfAManualTestIsNotCode() throws {
        let decided = try Self.decide([
            "specs/021-export/tasks.md": """
                # Tasks: Export

                ## Phase 3: User Story 1 - CSV export (Priority: P1)

                - [ ] T030 [US1] Create test file `tests/export/csv.test.ts` for the CSV writer
                - [ ] T031 [US1] Implement the CSV writer in `src/export/csv.ts`

                ## Phase 7: Manual Testing

                - [ ] T060 Create test file for smoke check
                - [ ] T061 Create manual test script `scripts/smoke_export.sh`
                - [ ] T062 Create a test fixture `tests/manual/big_report.csv` to try by hand
                - [ ] T063 Fix the delimiter handling in `src/export/csv.ts` if the smoke check fails

                ## Fase 8: Pruebas manuales

                - [ ] T070 Crear el script de prueba manual `scripts/prueba_export.sh`

                ## 阶段 9：手动测试

                - [ ] T080 创建手动测试脚本 `scripts/smoke_export.sh`
                """,
            "openspec/changes/0042-smoke/tasks.md": """
                ## M2 — Build

                - [ ] T-2620 Add the smoke route in `src/routes/smoke.ts`
                - [ ] T-2626 Manual smoke test: run tests/smoke.spec.ts by hand
                - [ ] T-2627 Prueba manual de humo: ejecutar tests/smoke.spec.ts a mano
                - [ ] T-2628 手动冒烟测试：手动运行 tests/smoke.spec.ts
                - [ ] T-2629 Manual labelling workflow: a labelling script `scripts/label_rows.py` that shows each row and saves its label
                """,
        ])
        let lines = decided.joined(separator: "\n")
        for key in ["T060", "T061", "T062", "T070", "T080", "Task T-2626", "Task T-2627", "Task T-2628"] {
            #expect(decided.contains("skip \(key) [task-not-code]"), "\(key): \(lines)")
        }
        for key in ["T030", "T031", "T063", "Task T-2620", "Task T-2629"] {
            #expect(decided.contains("newImplementation \(key) [requirement-added]"), "\(key): \(lines)")
        }
    }

    // MARK: e. A conditional process step

    /// A step whose main clause, after its condition, skips, notes or documents (`If CI is not
    /// available, skip the job and note the limitation in the README`) is process; a conditional
    /// step whose main clause writes code (`If the cache is cold, load it in src/cache.ts`), or
    /// skips something that is not the step itself and notes nothing in a document (`If the
    /// upload is empty, skip it and record a warning`: code behaviour), stays work.
    @Test func aConditionalProcessStepIsNotCode() throws {
        let decided = try Self.decide([
            "specs/023-ci/tasks.md": """
                # Tasks

                ## Phase 4: CI

                - [ ] T040 Add the lint job to `.github/workflows/ci.yml`
                - [ ] T041 If CI is not available, skip the job and note the limitation in the README
                - [ ] T042 Si la CI no está disponible, omitir el trabajo y anotar la limitación en el README
                - [ ] T043 如果 CI 不可用，跳过该任务并在 README 中记录限制
                - [ ] T044 CI が使えない場合は、ジョブをスキップして README に制限を書く
                - [ ] T045 Если CI недоступен, пропустить задачу и отметить ограничение в README
                - [ ] T046 If the cache is cold, load it from disk in `src/cache.ts`
                - [ ] T047 When the export is large, stream it in pages
                - [ ] T048 If the upload is empty, skip it and record a warning
                """,
        ])
        let lines = decided.joined(separator: "\n")
        for key in ["T041", "T042", "T043", "T044", "T045"] {
            #expect(decided.contains("skip \(key) [task-not-code]"), "\(key): \(lines)")
        }
        for key in ["T040", "T046", "T047", "T048"] {
            #expect(decided.contains("newImplementation \(key) [requirement-added]"), "\(key): \(lines)")
        }
    }

    // MARK: f. A task that extends another by its id

    static let extendTasks = """
        # Tasks

        ## Phase 2: Export command

        - [x] T204 Add the `export` command in `src/cli/export.ts`
        - [ ] T210 Extend T204 with `--include`
        - [ ] T211 Ampliar T204 con `--exclude`
        - [ ] T212 扩展 T204，增加 `--since` 选项
        """

    /// `Extend T204 with --include` is T204's code work: done when the code T204 cites holds what
    /// it names, open when it does not (English, Spanish, Chinese).
    @Test func aTaskThatExtendsAnotherIsDoneWhenTheCitedCodeHasIt() throws {
        let code = """
            import { Command } from 'commander';
            export const exportCommand = new Command('export')
              .option('--include <glob>', 'files to include')
              .option('--exclude <glob>', 'files to leave out');
            """
        let decided = try Self.decide(["specs/024-export/tasks.md": Self.extendTasks], base: ["src/cli/export.ts": code])
        let lines = decided.joined(separator: "\n")
        #expect(decided.contains("skip T210 [requirement-added-implemented]"), "\(lines)")
        #expect(decided.contains("skip T211 [requirement-added-implemented]"), "\(lines)")
        #expect(decided.contains("newImplementation T212 [requirement-added]"), "\(lines)")
    }

    /// With T204's code lacking every option, each extension is work, its reason naming what is missing.
    @Test func aTaskThatExtendsAnotherIsOpenWhenTheCitedCodeLacksIt() throws {
        let code = "import { Command } from 'commander';\nexport const exportCommand = new Command('export');\n"
        let fixture = try GitFixture()
        try fixture.write("README.md", "x\n")
        try fixture.write("src/cli/export.ts", code)
        let c0 = try fixture.commit("base")
        try fixture.write("specs/024-export/tasks.md", Self.extendTasks)
        let c1 = try fixture.commit("tasks")
        let report = try DecisionHistoryTests.report(fixture, "\(c0)..\(c1)")
        for key in ["T210", "T211", "T212"] {
            let decision = report.decisions?.first { $0.requirement?.key == key }
            #expect(decision?.action == .newImplementation, "\(key): \(String(describing: decision))")
            #expect(decision?.reason.contains("src/cli/export.ts") == true, "\(key): \(decision?.reason ?? "")")
        }
    }

    // MARK: g. A heading marked "(Unchanged)" over a reworded body

    /// A section whose heading gained "(Unchanged)" (`(sin cambios)`, `（不变）`, `（変更なし）`) while
    /// its body was reworded with the same names and paths is no new work; one whose rewrite
    /// names another file or symbol is.
    @Test(arguments: [
        ("Export Settings", "Export Settings (Unchanged)",
         "Add the page size and the currency to `src/export_settings.py` as `PAGE_SIZE` and `CURRENCY`.",
         "The page size and the currency stay in `src/export_settings.py` as `PAGE_SIZE` and `CURRENCY`, read once at start.",
         "The page size and the currency move to `src/settings/export.py` as `PAGE_SIZE` and `CURRENCY`."),
        ("Ajustes de exportación", "Ajustes de exportación (sin cambios)",
         "Añadir a `src/export_settings.py` el tamaño de página y la moneda como `PAGE_SIZE` y `CURRENCY`.",
         "El tamaño de página y la moneda siguen en `src/export_settings.py` como `PAGE_SIZE` y `CURRENCY`.",
         "El tamaño de página y la moneda pasan a `src/export_settings.py` como `PAGE_SIZE`, `CURRENCY` y `LOCALE`."),
        ("导出设置", "导出设置（不变）",
         "在 `src/export_settings.py` 中加入 `PAGE_SIZE` 和 `CURRENCY`。",
         "`src/export_settings.py` 中的 `PAGE_SIZE` 和 `CURRENCY` 保持原样，启动时读取一次。",
         "`src/settings/export.py` 中加入 `PAGE_SIZE` 和 `CURRENCY`。"),
        ("エクスポート設定", "エクスポート設定（変更なし）",
         "`src/export_settings.py` に `PAGE_SIZE` と `CURRENCY` を追加する。",
         "`src/export_settings.py` の `PAGE_SIZE` と `CURRENCY` はそのまま、起動時に一度読む。",
         "`src/export_settings.py` に `PAGE_SIZE` と `CURRENCY` と `LOCALE` を追加する。"),
    ])
    func anUnchangedMarkOverARewordedBodyIsNoWork(heading: String, marked: String, body: String, reworded: String, changed: String) throws {
        let path = ".claude/specs/report-export/design.md"
        func design(_ heading: String, _ text: String) -> String {
            "# Design: Report Export\n\n## Data Model\n\nEach exported row holds the account name and the total amount.\n\n## \(heading)\n\n\(text)\n"
        }
        let key = "design: report export > " + SpecText.headingKey(marked)
        for (text, work) in [(reworded, false), (changed, true)] {
            let fixture = try GitFixture()
            try fixture.write("src/export_settings.py", "PAGE_SIZE = 1000\nCURRENCY = \"EUR\"\n")
            try fixture.write(path, design(heading, body))
            let c0 = try fixture.commit("design")
            try fixture.write(path, design(marked, text))
            let c1 = try fixture.commit("mark the settings unchanged")
            let (lines, report) = try DocumentTitleIdentityTests.decisions(fixture, "\(c0)..\(c1)")
            let decision = report.decisions?.first { $0.requirement?.key == key }
            #expect(decision != nil, "\(lines)")
            if work {
                #expect(decision?.action.needsWork == true, "\(lines)")
            } else {
                #expect(decision?.action == .skip && decision?.rule == "requirement-marked-unchanged", "\(lines)")
            }
        }
    }
}
