@testable import AutodevCore
import AutodevGit
import AutodevTestSupport
import Testing

/// Shapes a hand read of the merged main still found proposed as code on repositories nobody here
/// had tuned for (issue 21, /work/measure21/fresh12 seed 12): the bookkeeping steps of a closing
/// milestone (commit, push, propagate), stale-reference checks written as `grep "a\|b"`, a manual
/// test's scratch setup in /tmp, and a rehearsal that reverts itself. Each written by hand for
/// these tests (no text copied from a repository), in English, Spanish, Chinese and German.
@Suite struct FreshShapes6Tests {
    static func decide(_ files: [String: String], base: [String: String] = [:]) throws -> [String] {
        try UnseenShapesTests.decide(files, base: base)
    }

    // MARK: Bookkeeping sections

    /// The items of a milestone whose heading says it commits, pushes, propagates or closes out
    /// (`## M4 — Commit + propagate (Gate 5)`, `## M3 — Docs, guard, commit`, `## Fase 4: Commit y
    /// limpieza`, `## 提交与推送`, `## Abschluss`) are process; an item there that names code or
    /// opens with a verb that writes code stays work, and a feature whose heading merely holds a
    /// bookkeeping word (`## Release pipeline`, `## Cleanup`) keeps its tasks.
    @Test func itemsOfABookkeepingSectionAreProcess() throws {
        let decided = try Self.decide([
            "openspec/changes/0040-tag-cloud/tasks.md": """
                ## M1 — Tag cloud

                - [ ] T-4001 `TagCloud` widget in `internal/ui/tags.go` sized by tag frequency

                ## M3 — Docs, guard, commit

                - [ ] T-4007 Milestones land as separate commits, each with its checks green.
                - [ ] T-4008 Notes `planning-journal` entry (low — a small widget).

                ## M4 — Commit + propagate (Gate 5)

                - [ ] T-4010 One commit `feat(ui): tag cloud sized by frequency (0040)`. Push after approval.
                - [ ] T-4011 Add `TagCloud.Reset` to `internal/ui/tags.go` if the review asks for it
                - [ ] T-4012 Write the fallback layout for narrow terminals

                ## Release pipeline

                - [ ] T-4020 Signed archives for every supported platform

                ## Cleanup

                - [ ] T-4030 Older palette helpers gone from the renderer
                """,
            "specs/012-etiquetas/tasks.md": """
                # Tareas

                ## Fase 3: Etiquetas

                - [ ] T030 Nube de etiquetas ordenada por frecuencia en `src/etiquetas/nube.ts`

                ## Fase 4: Commit y limpieza

                - [ ] T040 Un commit por fase con las pruebas en verde; subir la rama al terminar
                """,
            "openspec/changes/add-tag-export/tasks.md": """
                ## 1. 导出

                - [ ] 1.1 在 `src/export/tags.py` 中导出标签

                ## 2. 提交与推送

                - [ ] 2.1 每个里程碑一个提交，推送前等待确认

                ## 3. Abschluss

                - [ ] 3.1 Ein Commit pro Meilenstein, danach Freigabe abwarten
                """,
        ])
        for key in ["Task T-4007", "Task T-4008", "Task T-4010", "T040", "Task 2.1", "Task 3.1"] {
            #expect(decided.contains("skip \(key) [task-not-code]"), "\(key): \(decided)")
        }
        for key in ["Task T-4001", "Task T-4011", "Task T-4012", "Task T-4020", "Task T-4030", "T030", "Task 1.1"] {
            #expect(decided.contains("newImplementation \(key) [requirement-added]"), "\(key): \(decided)")
        }
    }

    // MARK: Checks written as command lines, scratch setup, rehearsals and reports

    /// A stale-reference check written as a long `grep -r "a\|b"` command after a label (its
    /// title is cut at 120 characters, cutting the command) is a check, also when it says to
    /// update the docs if it finds something (`or update docs`, `o actualizar la documentación`,
    /// `否则更新文档`); one that asks to fix the code it finds stays work.
    @Test func longGrepChecksAfterALabelAreChecks() throws {
        let decided = try Self.decide([
            "specs/014-move-widgets/tasks.md": """
                # Tasks

                ## Phase 5: User Story 3 - No stale imports (Priority: P3)

                - [ ] T301 [US3] Look for stale references in the handbook pages: `grep -rn "lib/widgets/cloud\\|lib/widgets/legacy_cloud" . --include="*.md" | grep -v "/ui/"` (must print nothing or update docs)
                - [ ] T302 [US3] Look for stale references in YAML/config files: `grep -rn "lib/widgets/cloud\\|lib/widgets/legacy_cloud" . --include="*.yaml" --include="*.yml"` (must print nothing)
                - [ ] T303 [US3] Buscar referencias antiguas en la documentación: `grep -rn "lib/widgets/cloud\\|lib/widgets/legacy_cloud" . --include="*.md" | grep -v "/ui/"` (sin resultados o actualizar la documentación)
                - [ ] T304 [US3] 在文档中查找旧路径：`grep -rn "lib/widgets/cloud\\|lib/widgets/legacy_cloud" . --include="*.md" | grep -v "/ui/"`（应无结果，否则更新文档）
                - [ ] T305 [US3] Look for stale imports in the sources: `grep -rn "lib/widgets/cloud\\|lib/widgets/legacy_cloud" src/ --include="*.ts" | grep -v "/ui/"` (must print nothing, or fix the imports it lists)
                """,
        ])
        for key in ["T301", "T302", "T303", "T304"] {
            #expect(decided.contains("skip \(key) [task-not-code]"), "\(key): \(decided)")
        }
        #expect(decided.contains("newImplementation T305 [requirement-added]"), "\(decided)")
    }

    /// A manual test's setup whose label opens with "create" but whose command works in /tmp
    /// (`Create scratch project: \`mkdir /tmp/…\``, `Crear proyecto de prueba: …`) creates
    /// nothing in the tree; a label over a command that creates folders in the tree stays work.
    @Test func scratchSetupInTmpIsNotCode() throws {
        let decided = try Self.decide([
            "specs/015-widget-import/tasks.md": """
                # Tasks

                ## Phase 2: Layout

                - [ ] T020 Create the widget folders: `mkdir -p src/widgets/cloud src/widgets/chips`

                ## Phase 7: Consumer Check (Optional Manual Test)

                - [ ] T070 Create scratch project: `mkdir /tmp/try-widgets && cd /tmp/try-widgets && npm init -y`
                - [ ] T071 Crear proyecto de prueba: `mkdir /tmp/prueba-widgets && cd /tmp/prueba-widgets && npm init -y`
                - [ ] T072 创建临时项目：`mkdir /tmp/shiyong && cd /tmp/shiyong && npm init -y`
                """,
        ])
        for key in ["T070", "T071", "T072"] {
            #expect(decided.contains("skip \(key) [task-not-code]"), "\(key): \(decided)")
        }
        #expect(decided.contains("newImplementation T020 [requirement-added]"), "\(decided)")
    }

    /// A rehearsal that makes a temporary change, checks it and reverts it, and a report that
    /// confirms the spec's success criteria (`SC-001`), name no code and leave none (English,
    /// Spanish, German, Chinese); reverting a temporary workaround, and a report feature that
    /// cites a criterion without checking it, stay work.
    @Test func rehearsalsAndCriteriaReportsLeaveNoCode() throws {
        let decided = try Self.decide([
            "specs/016-widget-polish/tasks.md": """
                # Tasks

                ## Phase 3: User Story 1 - Sales widgets (Priority: P1)

                - [ ] T030 [US1] Monthly sales report by region (meets SC-004)
                - [ ] T031 [US1] Revert the temporary retry workaround in the sync client

                ## Phase 6: Polish & Cross-Cutting Concerns

                - [ ] T090 Optional rollback drill: add a temporary failing import, confirm the build breaks, revert the commit (note it in the report)
                - [ ] T091 Simulacro de reversión: introducir un import roto temporal, comprobar que falla la compilación y revertir el commit
                - [ ] T092 Rollback-Probe: vorübergehend einen falschen Import einfügen, prüfen, dass der Build fehlschlägt, dann zurücksetzen
                - [ ] T093 Write comparison report: summarize the old and new layout and confirm SC-001 through SC-003 hold
                - [ ] T094 Redactar informe comparativo: resumir la estructura anterior y la nueva y confirmar los criterios de éxito SC-001 a SC-003
                - [ ] T095 编写对比报告：总结迁移前后的目录结构，确认 SC-001 至 SC-003 全部达成
                """,
        ])
        for key in ["T090", "T091", "T092", "T093", "T094", "T095"] {
            #expect(decided.contains("skip \(key) [task-not-code]"), "\(key): \(decided)")
        }
        for key in ["T030", "T031"] {
            #expect(decided.contains("newImplementation \(key) [requirement-added]"), "\(key): \(decided)")
        }
    }

    /// A label whose object is a document (`Update release notes: add an entry …`, `Actualizar
    /// las notas de la versión: …`) edits that document; a label over code stays work.
    @Test func aLabelWhoseObjectIsADocumentIsDocumentation() throws {
        let decided = try Self.decide([
            "specs/017-widget-notes/tasks.md": """
                # Tasks

                ## Phase 6: Polish & Cross-Cutting Concerns

                - [ ] T056 Update release notes: add an entry on the widget move for maintainers
                - [ ] T057 Actualizar las notas de la versión: añadir una entrada sobre el traslado de los widgets
                - [ ] T058 Update the importer: skip blank rows and keep the header
                - [ ] T059 更新发布说明：为维护者补一条关于组件迁移的条目
                """,
        ])
        for key in ["T056", "T057", "T059"] {
            #expect(decided.contains("skip \(key) [task-not-code]"), "\(key): \(decided)")
        }
        #expect(decided.contains("newImplementation T058 [requirement-added]"), "\(decided)")
    }

    // MARK: Kiro groups in progress

    /// A Kiro group marked in progress (`- [-]`) whose subtasks all stay ticked is not reopened
    /// work; a subtask unticked in the same edit is.
    @Test func aGroupInProgressWithEveryStepTickedIsNotReopened() throws {
        let before = """
            # Implementation Plan

            - [x] 1. Exportar la lista de etiquetas
              - [x] 1.1 Añadir `export_tags()` a `src/export.py`
              - [x] 1.2 Escribir la fila de cabecera del CSV
            - [x] 2. Import tags from a file
              - [x] 2.1 Add `import_tags()` to `src/importer.py`
              - [x] 2.2 Skip blank lines while importing
            """
        let after = before.replacing("- [x] 1. Exportar", with: "- [-] 1. Exportar")
            .replacing("- [x] 2. Import", with: "- [-] 2. Import").replacing("  - [x] 2.2 Skip", with: "  - [ ] 2.2 Skip")
        let decided = try Self.decide([".kiro/specs/tags/tasks.md": after],
                                      base: [".kiro/specs/tags/tasks.md": before, "src/export.py": "def export_tags():\n    return []\n",
                                             "src/importer.py": "def import_tags(path):\n    return []\n"])
        #expect(!decided.contains { $0.hasPrefix("newImplementation Task 1 ") }, "\(decided)")
        #expect(decided.contains { $0.hasPrefix("newImplementation Task 2.2 [task-reopened]") }, "\(decided)")
    }
}
