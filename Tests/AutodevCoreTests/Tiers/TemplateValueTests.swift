@testable import AutodevCore
import Testing

/// The values templates see that name the feature: what keeps two requirements' paths apart.
@Suite struct TemplateValueTests {
    @Test(arguments: [
        ("specs/001-export/spec.md", "001-export", "f_001_export", "F001Export"),
        ("specs/001-export/tasks.md", "001-export", "f_001_export", "F001Export"),
        ("specs/001-export/meta.json", "001-export-meta", "f_001_export_meta", "F001ExportMeta"),
        (".kiro/specs/user-auth/requirements.md", "user-auth", "user_auth", "UserAuth"),
        ("openspec/changes/add-2fa/specs/auth/spec.md", "auth", "auth", "Auth"),
        ("docs/stories/1.2.story.md", "stories-1-2-story", "stories_1_2_story", "Stories12Story"),
        ("PRPs/login-flow.md", "prps-login-flow", "prps_login_flow", "PrpsLoginFlow"),
        ("SPEC.md", "spec", "spec", "Spec"),
    ])
    func theFeatureComesFromTheSpecsFolderOrItsFileName(_ spec: String, _ feature: String, _ ident: String, _ type: String) {
        let item = WorkItem(id: "w", eventId: "e", eventKind: .specificationChanged, priority: 50, path: spec, detail: "added",
                            action: .newImplementation, reason: "new", rule: "requirement-added",
                            requirement: .init(key: "FR-001", title: "t", text: "t", criteria: [], spec: spec, format: .markdown,
                                               slug: "fr-001-t", textHash: "h", change: .added),
                            links: [], firstSeen: 0)
        let context = TemplateLibrary.context(for: item)
        #expect(context["feature"] as? String == feature)
        #expect(context["featureIdent"] as? String == ident)
        #expect(context["Feature"] as? String == type)
    }
}
