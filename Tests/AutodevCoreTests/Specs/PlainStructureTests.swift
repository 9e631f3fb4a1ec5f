@testable import AutodevCore
import Testing

/// Plain Markdown sections whose structure says they hold no requirement: a document's title
/// over its labelled fields, and a table whose every row is dated (a change history). English,
/// Spanish, Chinese and German, written by hand; and the look-alikes that stay requirements.
@Suite struct PlainStructureTests {
    @Test func aTitleOverItsFieldsIsAHeaderAndTheSectionsBelowStillCount() {
        let doc = parse("specs/keyboard-input/requirements.md", """
            # Requirements: Keyboard Input

            **Issues**: #15
            **Date**: 2026-02-13
            **Status**: Approved
            **Related Spec**: specs/feature-typing/

            ---

            ## Typing text

            The CLI sends each character of the text as a key event to the focused element.
            """)
        #expect(doc.requirements.map(\.key) == ["requirements: keyboard input > typing text"], "\(doc.requirements.map(\.key))")
    }

    @Test func criteriaRightUnderAFieldHeaderStillJoinTheTitle() {
        let doc = parse("specs/tabs/requirements.md", """
            # Defect Report: background tabs steal focus

            **Issues**: #95
            **Severity**: High

            ## Acceptance Criteria

            - Creating a tab with `--background` leaves the first tab active
            - The new tab appears in the tab list
            """)
        #expect(doc.requirements.map(\.key) == ["defect report: background tabs steal focus"], "\(doc.requirements.map(\.key))")
        let text = doc.requirements.first?.text ?? ""
        #expect(text.contains("leaves the first tab active") && !text.contains("Issues") && !text.contains("#95"), "\(text)")
    }

    @Test func headersInSpanishAndChineseAreHeadersToo() {
        let spanish = parse("specs/reservas/requisitos.md", """
            # Requisitos: Reservas de salas

            **Estado**: Aprobado
            **Autor**: Equipo de agenda
            **Fecha**: 2026-03-01

            ## Reservar una sala

            El sistema guarda la reserva con la sala, la fecha y la persona que reserva.
            """)
        #expect(spanish.requirements.map(\.key) == ["requisitos: reservas de salas > reservar una sala"], "\(spanish.requirements.map(\.key))")
        let chinese = parse("specs/jifen/需求.md", """
            # 需求：积分系统

            **状态**：已批准
            **作者**：会员组

            ## 积分累计

            每笔订单完成后，系统按实付金额给会员增加积分。
            """)
        #expect(chinese.requirements.count == 1, "\(chinese.requirements.map(\.key))")
        #expect(chinese.requirements.first?.key.hasSuffix("积分累计") == true)
    }

    @Test func aDatedTableIsALogWhateverItsHeadingSays() {
        let doc = parse("specs/export/design.md", """
            # Export

            ## Writing the file

            The exporter writes one CSV row per order, with a header row.

            ## Historial de cambios

            | Issue | Fecha | Resumen |
            |-------|-------|---------|
            | #40 | 2026-01-20 | Primera versión |
            | #52 | 2026/2/3 | Columnas nuevas |

            ## Änderungen

            | Version | Datum |
            |---|---|
            | 1.1 | 03.02.2026 |
            """)
        #expect(doc.requirements.map(\.key) == ["export > writing the file"], "\(doc.requirements.map(\.key))")
    }

    @Test func lookAlikesStayRequirements() {
        let doc = parse("specs/retry/design.md", """
            # Retry

            Note: the client retries a failed upload three times with exponential backoff between attempts, then reports the error to the user.

            ## Limits

            | Setting | Value |
            |---|---|
            | attempts | 3 |
            | first delay | 200 ms |

            ## Schedule

            | Step | Date |
            |---|---|
            | build the queue | 2026-04-01 |
            | persist it | later |
            """)
        // A long value is a sentence, not a field; a table without a date in every row is content.
        #expect(doc.requirements.map(\.key) == ["retry", "retry > limits", "retry > schedule"], "\(doc.requirements.map(\.key))")
    }

    @Test func fieldsAndDatesAreReadByTheirShape() {
        #expect(PlainStructure.fieldCount("Issues: #15 Date: 2026-02-13 Status: Approved Author: Claude (writing-specs)") == 4)
        #expect(PlainStructure.fieldCount("Status: Approved Related Spec: specs/feature-x/") == 2)
        #expect(PlainStructure.fieldCount("状态：已批准") == 1)
        #expect(PlainStructure.fieldCount("Users see their orders sorted by date, newest first") == nil)
        #expect(PlainStructure.fieldCount("Status:") == nil)
        #expect(PlainStructure.fieldCount("Issue: #95 Severity: Medium Related Spec: specs/82-fix-tabs/ — regression of the same fix; specs/7-tab-management/ — AC6") == 3)
        #expect(PlainStructure.fieldCount("Note: the client retries a failed upload three times with exponential backoff, then reports the error") == nil)
        #expect(PlainStructure.isDate("2026-02-13") && PlainStructure.isDate("13.02.2026") && PlainStructure.isDate(" 2026/2/3 "))
        #expect(!PlainStructure.isDate("1.1") && !PlainStructure.isDate("v1.2.3") && !PlainStructure.isDate("#15"))
    }
}

/// The forms one module takes in Rust, Python and TypeScript: a file, or a folder with its
/// index file. A deletion that leaves the other form is no lost module.
@Suite struct ModuleFormsTests {
    @Test func eachFileModuleHasItsFolderFormAndBack() {
        #expect(Explainer.moduleForms(of: "src/page.rs") == ["src/page/mod.rs"])
        #expect(Explainer.moduleForms(of: "src/page/mod.rs") == ["src/page.rs"])
        #expect(Explainer.moduleForms(of: "app/models.py") == ["app/models/__init__.py"])
        #expect(Explainer.moduleForms(of: "app/models/__init__.py") == ["app/models.py"])
        #expect(Explainer.moduleForms(of: "web/src/api.ts") == ["web/src/api/index.ts"])
        #expect(Explainer.moduleForms(of: "web/src/api/index.tsx") == ["web/src/api.tsx"])
        // A crate root and files of other kinds have no folder form.
        #expect(Explainer.moduleForms(of: "src/lib.rs").isEmpty)
        #expect(Explainer.moduleForms(of: "README.md").isEmpty)
        #expect(Explainer.moduleForms(of: "mod.rs").isEmpty)
    }
}
