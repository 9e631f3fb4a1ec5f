@testable import AutodevCore
import AutodevGit
import AutodevTestSupport
import Testing

/// Shapes the sixteenth fresh round of issue 21 decided wrong on repositories nobody here had
/// tuned for (a Spec Kit project in Japanese, an OpenSpec one in Chinese, a Kiro one in
/// Arabic). Each written by hand for these tests (no text copied from a repository), in
/// English and at least two other languages where the shape is linguistic.
@Suite struct FreshShapes10Tests {
    static func decide(_ files: [String: String], base: [String: String] = [:]) throws -> [String] {
        try UnseenShapesTests.decide(files, base: base)
    }

    static let djangoProject: [String: String] = [
        "shop/urls.py": """
            from django.urls import include, path

            urlpatterns = [
                path('admin/', include('backoffice.urls')),
                path('api/v1/', include('orders.urls')),
            ]
            """,
        "orders/urls.py": """
            from django.urls import path
            from . import views

            urlpatterns = [
                path('orders/', views.order_list),
                path('orders/<int:pk>/', views.order_detail),
            ]
            """,
        "orders/views.py": "def order_list(request):\n    return None\n\n\ndef order_detail(request, pk):\n    return None\n",
        "backoffice/urls.py": "urlpatterns = []\n",
    ]

    // MARK: a. Tests that reach the project only through routes it declares

    /// A security suite added on its own imports only the framework and requests paths the code
    /// routes (`/api/v1/orders/5/`), with a probe of a path that must not exist (`/wp-admin/`):
    /// it tests code that exists. A test of an endpoint the code does not route yet, and one
    /// that imports a module of the project that is not there, ask for code.
    @Test func aTestOfRoutesTheCodeDeclaresIsForExistingCode() throws {
        let decided = try Self.decide([
            "tests/security/test_access_control.py": """
                from django.test import TestCase, Client


                class AccessControlTests(TestCase):
                    def setUp(self):
                        self.client = Client()

                    def test_orders_need_login(self):
                        for url in ['/api/v1/orders/', '/api/v1/orders/5/', '/admin/']:
                            response = self.client.get(url)
                            self.assertIn(response.status_code, (302, 401, 403))

                    def test_no_php_admin_panel(self):
                        self.assertEqual(self.client.get('/wp-admin/').status_code, 404)
                """,
            "tests/test_invoices_api.py": """
                from django.test import TestCase, Client


                class InvoiceApiTests(TestCase):
                    def test_invoice_list(self):
                        response = Client().get('/api/v1/invoices/')
                        self.assertEqual(response.status_code, 200)
                """,
            "tests/test_refunds_api.py": """
                from django.test import TestCase, Client
                from refunds.models import Refund


                class RefundApiTests(TestCase):
                    def test_refund_of_an_order(self):
                        response = Client().post('/api/v1/orders/5/', {'refund': True})
                        self.assertEqual(Refund.objects.count(), 1)
                """,
        ], base: Self.djangoProject.merging(["refunds/__init__.py": ""]) { a, _ in a })
        let lines = decided.joined(separator: "\n")
        #expect(decided.contains("validate tests/security/test_access_control.py [test-for-existing-code]"), "\(lines)")
        #expect(!decided.contains { $0.hasPrefix("implementToPassTest tests/security/") }, "\(lines)")
        #expect(decided.contains("implementToPassTest tests/test_invoices_api.py [test-added]"), "\(lines)")
        #expect(decided.contains("implementToPassTest tests/test_refunds_api.py [test-added]"), "\(lines)")
    }

    /// The literals read: a requested path opens with `/` and a letter, loses its query, and is
    /// not a machine's folder; a route literal has a slash and a letter.
    @Test func requestedPathsAndRouteLiterals() {
        let test = Array("get('/api/v1/orders/?page=2'); open('/etc/passwd'); get(\"/health\"); x = '/'; y = '/1/'".utf8)
        #expect(Explainer.requestedPaths(in: test) == ["/api/v1/orders/", "/health"])
        let code = Array("path('api/v1/', x); re_path(r'^x$', y); name = 'orders'; mime = \"text/html\"".utf8)
        #expect(Explainer.quotedLiterals(in: code).filter { $0.contains("/") } == ["api/v1/", "text/html"])
    }
}

extension FreshShapes10Tests {
    // MARK: b. A removed task whose work another task of the same spec took over

    static let customNode: [String: String] = [
        "nodes/llm_node/__init__.py": "def generate(prompt):\n    return prompt\n",
        "lib/shared/player_bar.dart": "class PlayerBar {}\n",
        "src/export.py": "def export_csv(rows):\n    return ''\n\n\ndef export_json(rows):\n    return '[]'\n",
    ]

    /// A regenerated Spec Kit task list moves a task's text to the next id (Japanese), and open
    /// tasks are rewritten as the ticked lines that record their work (English, Chinese): their
    /// files are cited by the new or changed task, so nothing is retired. A task removed while
    /// its file is cited only by an untouched task and an open one that gives none of its names
    /// (Spanish) is proposed for retirement as before.
    @Test func aRemovedTaskRewrittenInTheSameSpecRetiresNothing() throws {
        let fixture = try GitFixture()
        for (path, content) in Self.customNode { try fixture.write(path, content) }
        try fixture.write("specs/003-llm-node/tasks.md", """
            # Tasks: LLM node

            ## Phase 2

            - [ ] T016 [US2] `nodes/llm_node/__init__.py` に `json_output` の解析を実装する
            - [ ] T017 [US2] `nodes/llm_node/README.md` を更新する
            """)
        try fixture.write("openspec/changes/split-shared/tasks.md", """
            ## Files Requiring Future Work

            - [ ] `lib/shared/player_bar.dart` - Same as above
            - [ ] `nodes/llm_node/__init__.py` - 移除对 features 的导入
            """)
        try fixture.write("specs/004-export/tasks.md", """
            # Tareas

            - [ ] T001 Exportar a CSV en `src/export.py`
            - [ ] T002 Exportar a JSON en `src/export.py`
            - [ ] T003 Validar filas en `src/export.py`
            """)
        let c0 = try fixture.commit("tasks")
        try fixture.write("specs/003-llm-node/tasks.md", """
            # Tasks: LLM node

            ## Phase 2

            - [ ] T016 [US2] `specs/003-llm-node/quickstart.md` に JSON mode の手順を追記する
            - [ ] T017 [US2] `nodes/llm_node/__init__.py` に `json_output` の解析と schema 検証を実装する
            - [ ] T018 [US2] `nodes/llm_node/README.md` を更新する
            """)
        try fixture.write("openspec/changes/split-shared/tasks.md", """
            ## Files Modified

            - [x] `lib/shared/player_bar.dart` - Add a NOTE comment on the player import
            - [x] `nodes/llm_node/__init__.py` - 改为纯 UI 组件（已重构）
            """)
        try fixture.write("specs/004-export/tasks.md", """
            # Tareas

            - [ ] T002 Exportar a JSON en `src/export.py`
            - [ ] T003 Validar filas y rechazar las vacías en `src/export.py`
            """)
        let c1 = try fixture.commit("retask")
        let decided = try DecisionHistoryTests.decisions(fixture, "\(c0)..\(c1)")
        let lines = decided.joined(separator: "\n")
        // The Japanese, English and Chinese rewrites retire nothing.
        #expect(!decided.contains { $0.hasPrefix("retireImplementation") && !$0.contains("T001") }, "\(lines)")
        #expect(decided.filter { $0.hasSuffix("[requirement-rewritten]") }.count == 2, "\(lines)")
        // T001's file is still cited by T002 (untouched) and T003 (changed, open, none of its
        // names): one feature of a shared file withdrawn is still proposed for retirement.
        #expect(decided.contains("retireImplementation T001 [requirement-removed]"), "\(lines)")
    }
}

extension FreshShapes10Tests {
    // MARK: c. A document the task writes into, with the code names it describes

    /// A task whose only file is a document it writes into — after a target word (`to`, `en`)
    /// or before a target mark (`に`, `中`) — describes the names it gives (`think_mode`): it is
    /// documentation in Japanese, Chinese, Spanish and English. The same names added to a code
    /// file, or a document only read (`per README.md`), stay code work.
    @Test func aDocumentWrittenIntoDescribesTheNamesItGives() throws {
        let decided = try Self.decide([
            "specs/005-llm-docs/tasks.md": """
                # Tasks

                ## Phase 3

                - [ ] T020 `nodes/llm_node/README.md` に `think_mode` の一覧と retry 条件を追記する
                - [ ] T021 在 `nodes/llm_node/README.md` 中说明 `think_mode` 的取值
                - [ ] T022 Describir `think_mode` en `nodes/llm_node/README.md`
                - [ ] T023 List the `think_mode` values in `nodes/llm_node/README.md`
                - [ ] T024 `nodes/llm_node/__init__.py` に `think_mode` を追加する
                - [ ] T025 Validate `think_mode` values per `nodes/llm_node/README.md`
                """,
        ], base: ["nodes/llm_node/__init__.py": "def generate(prompt):\n    return prompt\n",
                  "nodes/llm_node/README.md": "# LLM node\n"])
        let lines = decided.joined(separator: "\n")
        for key in ["T020", "T021", "T022", "T023"] {
            #expect(decided.contains("skip \(key) [task-not-code]"), "\(key): \(lines)")
        }
        #expect(decided.contains("newImplementation T024 [requirement-added]"), "\(lines)")
        #expect(decided.contains("newImplementation T025 [requirement-added]"), "\(lines)")
    }
}
