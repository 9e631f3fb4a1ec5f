@testable import AutodevCore
import AutodevGit
import AutodevTestSupport
import Testing

/// Shapes found by replaying three more public repositories nobody here had used (issue 21,
/// fresh round: a Go Spec Kit project, a Python OpenSpec project written in English and Chinese,
/// a Python/TypeScript BMAD project): deletions that broke no link, and requirements written
/// straight into OpenSpec's `openspec/specs/` as new work. Written by hand for these tests, in
/// English and another language (no text copied from a repository).
@Suite struct FreshShapesTests {
    // MARK: Deletions that break no link

    /// Tests a project removes by hand (shell tests dropped from CI, a Python conftest merged
    /// away) are its author's choice about tests: the ticked tasks that created them are no work.
    /// A code file an open task links to, deleted, still breaks the link.
    @Test func aTestRemovedByHandBreaksNoLink() throws {
        let fixture = try GitFixture()
        try fixture.write("tests/templates/issue_form_test.sh", "#!/bin/sh\ntest -f .github/ISSUE_TEMPLATE/bug.md\n")
        try fixture.write("tests/integracion/conftest.py", "import pytest\n")
        try fixture.write("src/formularios/validar.py", "def validar(formulario):\n    return True\n")
        try fixture.write("specs/004-issue-forms/tasks.md", """
            # Tasks: Issue forms

            - [x] T010 Write a check for the bug form's fields in tests/templates/issue_form_test.sh
            - [x] T011 Add the bug form in .github/ISSUE_TEMPLATE/bug.md
            - [ ] T012 Add the feature form in .github/ISSUE_TEMPLATE/feature.md
            """)
        try fixture.write("specs/005-formularios/tasks.md", """
            # Tareas: Formularios

            - [x] T001 Preparar los datos de prueba en tests/integracion/conftest.py
            - [ ] T002 Ampliar la validación en src/formularios/validar.py
            """)
        let c0 = try fixture.commit("forms")
        try fixture.remove("tests/templates/issue_form_test.sh")
        try fixture.remove("tests/integracion/conftest.py")
        try fixture.remove("src/formularios/validar.py")
        let c1 = try fixture.commit("ci: drop the shell tests; merge fixtures")
        let decided = try DecisionHistoryTests.decisions(fixture, "\(c0)..\(c1)")
        #expect(decided.contains("skip T010 [deleted-link-not-work]"), "\(decided)")
        #expect(decided.contains("skip T001 [deleted-link-not-work]"), "\(decided)")
        #expect(decided.contains("updateImplementation T002 [code-breaks-link]"), "\(decided)")
        #expect(!decided.contains { $0.hasPrefix("updateImplementation T010") || $0.hasPrefix("updateImplementation T001") }, "\(decided)")
    }

    /// A spec that names a file by its bare name (`index.html`) still has it when a legacy copy
    /// at the root is deleted and another file of that name stays; a name that no file answers to
    /// any more is a broken link.
    @Test func aBareNameThatStillAnswersBreaksNoLink() throws {
        let fixture = try GitFixture()
        try fixture.write("index.html", "<html>legacy</html>\n")
        try fixture.write("web/index.html", "<html>app</html>\n")
        try fixture.write("server.js", "require(\"./web\")\n")
        try fixture.write("openspec/changes/serve-frontend/specs/deploy/spec.md", """
            # Deploy

            ## ADDED Requirements

            ### Requirement: Frontend served at the root
            The API MUST answer `/` with the built `index.html`.

            #### Scenario: Operator opens the host
            - **WHEN** an operator opens the host in a browser
            - **THEN** the page is `index.html`

            ### Requirement: Der Server startet mit einem Befehl
            Der Server MUSS aus `server.js` starten.

            #### Scenario: Start
            - **WHEN** der Betreiber `node server.js` ausführt
            - **THEN** antwortet die API
            """)
        let c0 = try fixture.commit("frontend")
        try fixture.remove("index.html")
        try fixture.remove("server.js")
        let c1 = try fixture.commit("remove the legacy page and the icon")
        let decided = try DecisionHistoryTests.decisions(fixture, "\(c0)..\(c1)")
        #expect(decided.contains("skip Frontend served at the root [deleted-link-not-work]"), "\(decided)")
        #expect(decided.contains("updateImplementation Der Server startet mit einem Befehl [code-breaks-link]"), "\(decided)")
    }

    @Test func testsAreKnownByPlaceOrNameInAnyLanguage() {
        for path in ["tests/github/bug_form_test.sh", "test/e2e.bats", "pkg/api/handler_test.go", "src/__tests__/a.ts",
                     "web/cart.test.ts", "web/cart.spec.js", "test_parse.py"] {
            #expect(Explainer.looksLikeTest(path), "\(path)")
        }
        for path in ["src/testing_tools.py", "internal/contest/score.go", "web/latest.ts", "scripts/attest.sh"] {
            #expect(!Explainer.looksLikeTest(path), "\(path)")
        }
    }

    // MARK: Requirements written straight into openspec/specs/

    static func openSpec(_ body: String, capability: String) -> String {
        """
        # \(capability) Specification

        ## Purpose
        What \(capability) does.

        ## Requirements

        \(body)
        """
    }

    /// A requirement added to `openspec/specs/` in a range that archived no change is read on the
    /// code's evidence: the names it gives, none in the code, make it new work (English and
    /// Chinese); a name the code holds keeps it the record of what exists; giving no name, the
    /// record stands.
    @Test func aRequirementWrittenStraightIntoTheRecordIsReadOnTheCode() throws {
        let fixture = try GitFixture()
        try fixture.write("src/store/job_store.py", "class JobStore:\n    def save(self, job):\n        raise VersionConflict(\"JOB_VERSION_CONFLICT\")\n")
        try fixture.write("openspec/specs/jobs/spec.md", Self.openSpec("""
            ### Requirement: Jobs are stored
            Jobs MUST be kept by `JobStore`.

            #### Scenario: Save
            - **WHEN** a job is saved
            - **THEN** it can be read back
            """, capability: "jobs"))
        let c0 = try fixture.commit("jobs")
        try fixture.write("openspec/specs/summaries/spec.md", Self.openSpec("""
            ### Requirement: Reports are merged into one summary
            The system MUST provide `ReportMerger` that merges the outputs of every step into one summary.

            #### Scenario: Two steps
            - **WHEN** a job with two steps finishes
            - **THEN** `ReportMerger` returns one summary

            ### Requirement: 上传会话的完成是幂等的
            系统 MUST 提供 `POST /v1/upload-sessions/{session_id}/finalize`，重复调用返回相同结果。

            #### Scenario: 重复完成
            - **WHEN** 客户端重复调用 finalize
            - **THEN** 返回相同结果

            ### Requirement: Stale writes are rejected
            A write with an old version MUST fail with `JOB_VERSION_CONFLICT`.

            #### Scenario: Old version
            - **WHEN** a job is saved with an old version
            - **THEN** the save fails

            ### Requirement: Errors are readable
            Every error MUST say what to do next.

            #### Scenario: Failure
            - **WHEN** a request fails
            - **THEN** the message names the next step
            """, capability: "summaries"))
        let c1 = try fixture.commit("spec: reports and upload sessions")
        let decided = try DecisionHistoryTests.decisions(fixture, "\(c0)..\(c1)")
        #expect(decided.contains("newImplementation Reports are merged into one summary [requirement-added]"), "\(decided)")
        #expect(decided.contains("newImplementation 上传会话的完成是幂等的 [requirement-added]"), "\(decided)")
        #expect(decided.contains("skip Stale writes are rejected [requirement-done]"), "\(decided)")
        #expect(decided.contains("skip Errors are readable [requirement-done]"), "\(decided)")
    }

    /// The same new names, written into `openspec/specs/` by archiving a change, are the record of
    /// shipped work: the archive is the evidence.
    @Test func aRequirementArchivedIntoTheRecordStaysDone() throws {
        let fixture = try GitFixture()
        try fixture.write("README.md", "x\n")
        let change = "openspec/changes/add-report-merger"
        try fixture.write("\(change)/proposal.md", "## Why\nOne summary per job.\n\n## What Changes\n- Add `ReportMerger`.\n")
        try fixture.write("\(change)/tasks.md", "## 1. Código\n- [x] 1.1 Añadir `ReportMerger`\n")
        let c0 = try fixture.commit("change")
        try fixture.remove("\(change)/proposal.md")
        try fixture.remove("\(change)/tasks.md")
        try fixture.write("openspec/changes/archive/2026-01-02-add-report-merger/proposal.md", "## Why\nOne summary per job.\n\n## What Changes\n- Add `ReportMerger`.\n")
        try fixture.write("openspec/changes/archive/2026-01-02-add-report-merger/tasks.md", "## 1. Código\n- [x] 1.1 Añadir `ReportMerger`\n")
        try fixture.write("openspec/specs/summaries/spec.md", Self.openSpec("""
            ### Requirement: Los informes se combinan en un resumen
            El sistema MUST ofrecer `ReportMerger`.

            #### Scenario: Dos pasos
            - **WHEN** termina un trabajo con dos pasos
            - **THEN** hay un resumen
            """, capability: "summaries"))
        let c1 = try fixture.commit("archive add-report-merger")
        let decided = try DecisionHistoryTests.decisions(fixture, "\(c0)..\(c1)")
        #expect(decided.contains("skip Los informes se combinan en un resumen [requirement-done]"), "\(decided)")
    }

    @Test func recordNamesAreCodeNamesAndRouteParts() {
        #expect(Explainer.recordNames(in: ["ReportMerger", "POST /v1/upload-sessions/{id}/finalize", "error_code=\"X\"", "store", "up"])
                == ["ReportMerger", "upload-sessions", "error_code"])
    }

    // MARK: A document as the target

    /// A task that writes into a document it names is documentation although its parentheses
    /// name the code the document describes (English and Spanish); a task that names code outside
    /// its parentheses, tests a document, or builds code "per" a document stays code work.
    @Test func aDocumentNamedAsTheTargetIsNotCodeWork() throws {
        let decided = try UnseenShapesTests.decide([
            "specs/005-docs/tasks.md": """
                # Tasks: Documentation

                - [ ] T032 [P] [US2] Add Retry Management description to architecture.md (internal/retry/ package, persistent state)
                - [ ] T070 [US3] Add cross-references from quickstart.md and troubleshooting.md to reference.md
                - [ ] T080 Añadir la descripción del módulo de pagos a guia.md (src/pagos/, reintentos)
                - [ ] T081 Document the `retry_limit` option in reference.md (name, type, default)
                - [ ] T082 Add cross-references from overview.md to quickstart.md and guide.md
                - [ ] T090 Add the retry loop to internal/retry/retry.go (see architecture.md)
                - [ ] T091 Write internal/docs/commands_test.go that checks every command is listed in reference.md
                - [ ] T092 Implement the docs index builder per docs/index.md
                """,
        ], base: ["internal/retry/state.go": "package retry\n"])
        for key in ["T032", "T070", "T080", "T081", "T082"] {
            #expect(decided.contains("skip \(key) [task-not-code]"), "\(key): \(decided)")
        }
        for key in ["T090", "T091", "T092"] {
            #expect(decided.contains("newImplementation \(key) [requirement-added]"), "\(key): \(decided)")
        }
    }

    // MARK: Go tests of the package's own code

    /// A Go test that only calls what its package's code beside it defines (`rootCmd`,
    /// `NuevoPedido`, `Pedido{}`) tests existing code: run the checks. One that calls a name
    /// nothing defines yet (`Validar`) is a test written before its code.
    @Test func aGoTestOfItsPackagesExistingCodeIsNotCodeToWrite() throws {
        let decided = try UnseenShapesTests.decide([
            "internal/cli/workflow_cmd_test.go": """
                package cli

                import "testing"

                func TestWorkflowCommandIsRegistered(t *testing.T) {
                \tfound := false
                \tfor _, cmd := range rootCmd.Commands() {
                \t\tif cmd.Use == "workflow" { found = true }
                \t}
                \tif !found || workflowCmd.Args == nil { t.Fatal("workflow is not registered") }
                }
                """,
            "internal/pedidos/pedido_total_test.go": """
                package pedidos

                import "testing"

                // El total de un pedido nuevo es cero.
                func TestTotalDeUnPedidoNuevo(t *testing.T) {
                \tp := NuevoPedido("ana")
                \tif p.Total() != 0 || len(p.Lineas) != 0 { t.Fatal("total") }
                \tvacio := Pedido{}
                \t_ = vacio
                }
                """,
            "internal/pedidos/validacion_test.go": """
                package pedidos

                import "testing"

                // Un pedido sin cliente no es válido.
                func TestValidarRechazaPedidoSinCliente(t *testing.T) {
                \tif err := Validar(NuevoPedido("")); err == nil { t.Fatal("esperaba un error") }
                }
                """,
        ], base: [
            "go.mod": "module example.com/tienda\n\ngo 1.22\n",
            "internal/cli/root.go": "package cli\n\nvar rootCmd = &Command{Use: \"tienda\"}\n\ntype Command struct {\n\tUse string\n\tArgs func([]string) error\n}\n\nfunc (c *Command) Commands() []*Command { return nil }\n",
            "internal/cli/workflow.go": "package cli\n\nvar workflowCmd = &Command{Use: \"workflow\"}\n",
            "internal/pedidos/pedido.go": "package pedidos\n\ntype Pedido struct {\n\tCliente string\n\tLineas  []int\n}\n\nfunc NuevoPedido(cliente string) *Pedido { return &Pedido{Cliente: cliente} }\n\nfunc (p *Pedido) Total() int { return 0 }\n",
        ])
        #expect(decided.contains("validate internal/cli/workflow_cmd_test.go [test-for-existing-code]"), "\(decided)")
        #expect(decided.contains("validate internal/pedidos/pedido_total_test.go [test-for-existing-code]"), "\(decided)")
        #expect(decided.contains("implementToPassTest internal/pedidos/validacion_test.go [test-added]"), "\(decided)")
    }

    @Test func goDefinitionsAndReferencesAreReadFromTheText() {
        let code = "package p\n\nvar (\n\tlimite = 3\n)\n\nconst Nombre = \"x\"\n\ntype Caja struct{}\n\nfunc (c *Caja) Abrir() {}\n\nfunc Cerrar() {}\n"
        #expect(Explainer.goDefinitions(code) == ["limite", "Nombre", "Caja", "Abrir", "Cerrar"])
        let (calls, dotted) = Explainer.goReferences("x := Cerrar() // Abrir()\ny := Caja{}\nz.Abrir()\ns := \"Falta()\"\nlimite.Algo\n")
        #expect(calls == ["Cerrar", "Caja"])
        #expect(dotted == ["z", "limite"])
    }
}
