@testable import AutodevCore
import AutodevGit
import AutodevTestSupport
import Testing

/// A requirement is its content, not its number: renumbered, copied into the next feature,
/// reworded by case or punctuation, it is the same requirement; a text that says something
/// else is a change. Hand-written requirements in English, Spanish and Chinese.
@Suite struct RequirementIdentityTests {
    static func decisions(_ fixture: GitFixture, _ range: String) throws -> [String] {
        try DecisionHistoryTests.decisions(fixture, range)
    }

    // MARK: The content key and the measured threshold

    @Test(arguments: [
        // English: case, punctuation, markup and a renumbered cross-reference are not content.
        ("System MUST lock an account after five failed attempts (see FR-011).",
         "system must lock an account after five failed attempts — see FR-038", true),
        // Spanish: accents and case kept apart correctly; the id of a story is not content.
        ("El sistema DEBE enviar un correo de confirmación al registrarse (US2).",
         "el sistema debe enviar un correo de confirmación, al registrarse [US7]", true),
        // Chinese: full-width punctuation and ids are not content.
        ("系统必须在用户登录失败五次后锁定账户。（参见 FR-011）", "系统必须在用户登录失败五次后锁定账户（参见 FR-041）", true),
        // Numbers that are not ids are content; so are letter-digit names that are not ids.
        ("Sessions expire after 30 days of inactivity", "Sessions expire after 90 days of inactivity", false),
        ("Passwords are hashed with SHA256", "Passwords are hashed with SHA512", false),
        ("El sistema DEBE guardar el historial", "El sistema DEBE borrar el historial", false),
        ("系统必须保存历史记录", "系统必须删除历史记录", false),
    ])
    func contentKeySetsAsideWhatIsNotContent(a: String, b: String, same: Bool) {
        #expect((RequirementIdentity.contentKey(a) == RequirementIdentity.contentKey(b)) == same)
    }

    /// The words looked for before an untouched spec is parsed for copies: every one of a
    /// copy's needles is in the original's bytes (ids and case aside), and they are more than
    /// the one common word ("system") that every spec holds.
    @Test(arguments: [
        ("System MUST lock an account after five failed attempts (see FR-011).",
         "- **FR-038**: System MUST lock an account after five failed attempts"),
        ("El sistema DEBE enviar un correo de confirmación al registrarse (US2).",
         "El sistema DEBE enviar un correo de confirmación al registrarse [US7]"),
        ("系统必须在用户登录失败五次后锁定账户。（参见 FR-011）", "系统必须在用户登录失败五次后锁定账户（参见 FR-041）"),
    ])
    func aCopysNeedlesAreAllInTheOriginal(original: String, copy: String) {
        let bytes = Array(original.utf8).map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
        let needles = RequirementIdentity.needles(copy)
        #expect(!needles.isEmpty)
        #expect(needles.allSatisfy { Explainer.contains(bytes, $0) }, "\(needles.map { String(decoding: $0, as: UTF8.self) })")
        #expect(RequirementIdentity.needles("The system MUST export the quarterly report").map { String(decoding: $0, as: UTF8.self) }
                == ["quarterly", "export", "report"])
    }

    /// The figures behind `nearThreshold` (0.6) and `unsureThreshold` (0.45): one word edited in
    /// a requirement pairs it with its old self; two requirements of one spec written from the
    /// same template ("System MUST allow users to …") never pair.
    @Test func theNearThresholdSeparatesEditsFromSiblings() {
        let edits: [(String, String)] = [
            ("System MUST send a confirmation email to the user after they register an account with a valid address",
             "System MUST send a confirmation email to the user after they register an account with a verified address"),
            ("Users can export their order history as a CSV file from the account settings page",
             "Users can export their order history as a CSV file from the account preferences page"),
            ("El sistema DEBE permitir a los usuarios restablecer su contraseña mediante un enlace enviado por correo",
             "El sistema DEBE permitir a los usuarios restablecer la contraseña mediante un enlace enviado por correo"),
            ("用户可以在个人设置页面中导出订单历史记录为表格文件", "用户可以在个人设置页面中导出全部订单历史记录为表格文件"),
        ]
        let siblings: [(String, String)] = [
            ("System MUST allow users to create a project with a name and a description",
             "System MUST allow users to delete a project they own after a confirmation"),
            ("El sistema DEBE permitir a los usuarios crear una tarea con fecha límite",
             "El sistema DEBE permitir a los usuarios archivar las tareas completadas"),
            ("用户可以创建新的项目并设置名称", "用户可以删除自己拥有的项目"),
            ("Users can export their order history as a CSV file", "Users can import their contacts from a CSV file"),
        ]
        let editScores = edits.map { RequirementIdentity.similarity($0.0, $0.1) }
        let siblingScores = siblings.map { RequirementIdentity.similarity($0.0, $0.1) }
        #expect(editScores.allSatisfy { $0 >= RequirementIdentity.nearThreshold }, "\(editScores)")
        #expect(siblingScores.allSatisfy { $0 < RequirementIdentity.unsureThreshold }, "\(siblingScores)")
    }

    // MARK: Real histories

    static func spec(_ requirements: [(String, String)], title: String = "Login") -> String {
        "# Feature Specification: \(title)\n\n## Requirements\n\n"
            + requirements.map { "- **\($0.0)**: \($0.1)" }.joined(separator: "\n") + "\n"
    }

    static let lockout = "System MUST lock an account after five failed sign-in attempts"
    static let hashing = "System MUST hash passwords with a per-user salt before storing them"
    static let audit = "System MUST record every sign-in attempt with its time and source address"

    @Test func renumberingAfterAnInsertionQueuesOnlyTheInsertedRequirement() throws {
        let fixture = try GitFixture()
        try fixture.write("specs/001-login/spec.md", Self.spec([("FR-010", Self.hashing), ("FR-011", Self.lockout + " (see FR-012)"), ("FR-012", Self.audit)]))
        let c0 = try fixture.commit("spec")
        // A new FR-011 is inserted; the old FR-011 and FR-012 move down one number, and a
        // cross-reference follows the renumbering.
        try fixture.write("specs/001-login/spec.md", Self.spec([
            ("FR-010", Self.hashing), ("FR-011", "System MUST offer sign-in with a one-time code sent by email"),
            ("FR-012", Self.lockout + " (see FR-013)"), ("FR-013", Self.audit),
        ]))
        let c1 = try fixture.commit("insert FR-011")
        #expect(try Self.decisions(fixture, "\(c0)..\(c1)") == [
            "newImplementation FR-011 [requirement-added]",
            "skip FR-012 [requirement-renamed]",
            "skip FR-013 [requirement-renamed]",
        ])
        // Renumbered again, in another commit (FR-011 → FR-038 → FR-041): still no work.
        try fixture.write("specs/001-login/spec.md", Self.spec([
            ("FR-010", Self.hashing), ("FR-011", "System MUST offer sign-in with a one-time code sent by email"),
            ("FR-041", Self.lockout + " (see FR-042)"), ("FR-042", Self.audit),
        ]))
        let c2 = try fixture.commit("renumber")
        #expect(try Self.decisions(fixture, "\(c1)..\(c2)") == ["skip FR-041 [requirement-renamed]", "skip FR-042 [requirement-renamed]"])
        let report = try DecisionHistoryTests.report(fixture, "\(c1)..\(c2)")
        #expect(report.decisions?.first?.requirement?.previousKey == "FR-012")
    }

    @Test func aRenumberedRequirementWhoseTextChangedIsAChangeWithItsHistory() throws {
        let fixture = try GitFixture()
        try fixture.write("src/lockout.py", "def lock(): ...\n")
        try fixture.write("specs/001-login/spec.md", Self.spec([("FR-010", Self.hashing), ("FR-011", Self.lockout + " (`src/lockout.py`)")]))
        let c0 = try fixture.commit("spec")
        // Renumbered to FR-020 and "five" became "three": the same requirement, changed; its
        // implementation (linked under its old number) is what gets updated.
        try fixture.write("specs/001-login/spec.md", Self.spec([
            ("FR-010", Self.hashing),
            ("FR-020", Self.lockout.replacingOccurrences("five", "three") + " (`src/lockout.py`)"),
        ]))
        let c1 = try fixture.commit("three attempts")
        let report = try DecisionHistoryTests.report(fixture, "\(c0)..\(c1)")
        let decision = try #require(report.decisions?.first)
        #expect(report.decisions?.count == 1)
        #expect(decision.action == .updateImplementation)
        #expect(decision.rule == "requirement-changed")
        #expect(decision.requirement?.key == "FR-020")
        #expect(decision.requirement?.previousKey == "FR-011")
        #expect(decision.links == ["src/lockout.py"])
    }

    @Test func aGenuinelyDifferentTextUnderTheSameNumberIsStillAChange() throws {
        let fixture = try GitFixture()
        try fixture.write("specs/001-login/spec.md", Self.spec([("FR-010", Self.hashing), ("FR-011", Self.lockout)]))
        let c0 = try fixture.commit("spec")
        try fixture.write("specs/001-login/spec.md", Self.spec([
            ("FR-010", Self.hashing), ("FR-011", "System MUST let an administrator unlock an account from the admin console"),
        ]))
        let c1 = try fixture.commit("new FR-011")
        #expect(try Self.decisions(fixture, "\(c0)..\(c1)") == ["newImplementation FR-011 [requirement-changed-unimplemented]"])
    }

    @Test func requirementsCopiedIntoTheNextFeatureAreNotNewWork() throws {
        let fixture = try GitFixture()
        try fixture.write("src/auth.py", "def hash_password(): ...\n")
        try fixture.write("specs/001-login/spec.md", Self.spec([("FR-001", Self.hashing), ("FR-002", Self.lockout)]))
        try fixture.write("specs/001-login/tasks.md", "# Tasks\n\n- [x] T001 [FR-001] Hash passwords in src/auth.py\n")
        let c0 = try fixture.commit("login")
        // The next feature pastes FR-001 and FR-002 under its own (reused) numbers, reworded by
        // case and punctuation, and adds one requirement of its own.
        try fixture.write("specs/002-signup/spec.md", Self.spec([
            ("FR-001", "A new user MUST confirm their email address before the first sign-in"),
            ("FR-002", Self.hashing.replacingOccurrences("System MUST", "SYSTEM must") + "."),
            ("FR-003", Self.lockout + ";"),
        ], title: "Sign-up"))
        let c1 = try fixture.commit("sign-up")
        #expect(try Self.decisions(fixture, "\(c0)..\(c1)") == [
            "newImplementation FR-001 [requirement-added]",
            "skip FR-002 [requirement-copied]",
            "skip FR-003 [requirement-copied]",
        ])
        let report = try DecisionHistoryTests.report(fixture, "\(c0)..\(c1)")
        let copied = try #require(report.decisions?.first { $0.requirement?.key == "FR-002" })
        #expect(copied.reason.contains("FR-001 in specs/001-login/spec.md"))
        // Its implementation is the original's (the original's task names it).
        #expect(copied.links == ["src/auth.py"])
        // Pasted over an earlier draft of the feature (reused numbers: FR-002 "changed"): the
        // same answer.
        try fixture.write("specs/002-signup/spec.md", Self.spec([
            ("FR-001", "A new user MUST confirm their email address before the first sign-in"),
            ("FR-002", "System MUST store passwords somehow"), ("FR-003", "TBD"),
        ], title: "Sign-up"))
        let c2 = try fixture.commit("draft")
        try fixture.write("specs/002-signup/spec.md", Self.spec([
            ("FR-001", "A new user MUST confirm their email address before the first sign-in"),
            ("FR-002", Self.hashing), ("FR-003", Self.lockout),
        ], title: "Sign-up"))
        let c3 = try fixture.commit("paste")
        #expect(try Self.decisions(fixture, "\(c2)..\(c3)") == [
            "skip FR-002 [requirement-copied]",
            "skip FR-003 [requirement-copied]",
        ])
    }

    @Test func copiesAndRenumberingInSpanishAndChinese() throws {
        let fixture = try GitFixture()
        let es = [("FR-001", "El sistema DEBE enviar un correo de confirmación cuando el usuario se registra"),
                  ("FR-002", "El sistema DEBE bloquear la cuenta tras cinco intentos fallidos de inicio de sesión")]
        let zh = [("FR-001", "系统必须在用户登录失败五次后锁定账户并通知用户"),
                  ("FR-002", "系统必须记录每一次登录尝试的时间和来源地址")]
        try fixture.write("specs/001-registro/spec.md", Self.spec(es, title: "Registro"))
        try fixture.write("specs/003-denglu/spec.md", Self.spec(zh, title: "登录"))
        let c0 = try fixture.commit("specs")
        // Spanish: copied into the next feature with different punctuation and case.
        try fixture.write("specs/002-perfil/spec.md", Self.spec([
            ("FR-001", "El usuario PUEDE cambiar su foto de perfil desde la página de ajustes"),
            ("FR-002", "el sistema debe bloquear la cuenta, tras cinco intentos fallidos de inicio de sesión."),
        ], title: "Perfil"))
        // Chinese: renumbered with full-width punctuation added.
        try fixture.write("specs/003-denglu/spec.md", Self.spec([
            ("FR-001", "系统必须支持通过短信验证码登录"),
            ("FR-002", "系统必须在用户登录失败五次后锁定账户，并通知用户。"),
            ("FR-003", zh[1].1),
        ], title: "登录"))
        let c1 = try fixture.commit("next")
        #expect(try Self.decisions(fixture, "\(c0)..\(c1)") == [
            "newImplementation FR-001 [requirement-added]",
            "skip FR-002 [requirement-copied]",
            "newImplementation FR-001 [requirement-added]",
            "skip FR-002 [requirement-renamed]",
            "skip FR-003 [requirement-renamed]",
        ])
    }

    @Test func aFeaturesRequirementsAreCoveredByItsOpenTasks() throws {
        let fixture = try GitFixture()
        try fixture.write("README.md", "# app\n")
        let c0 = try fixture.commit("base")
        try fixture.write("specs/001-login/spec.md", Self.spec([("FR-001", Self.hashing), ("FR-002", Self.lockout)]))
        let c1 = try fixture.commit("spec")
        // No tasks yet: the requirements are the work.
        #expect(try Self.decisions(fixture, "\(c0)..\(c1)") == [
            "newImplementation FR-001 [requirement-added]",
            "newImplementation FR-002 [requirement-added]",
        ])
        try fixture.write("specs/001-login/tasks.md", "# Tasks\n\n- [ ] T001 Hash passwords in src/auth.py\n- [ ] T002 Lock accounts in src/lockout.py\n")
        let c2 = try fixture.commit("tasks")
        // Spec and tasks together: the tasks are the work, once.
        #expect(try Self.decisions(fixture, "\(c0)..\(c2)") == [
            "skip FR-001 [covered-by-tasks]",
            "skip FR-002 [covered-by-tasks]",
            "newImplementation T001 [requirement-added]",
            "newImplementation T002 [requirement-added]",
        ])
    }
}

/// `RequirementIdentity.words` reads ASCII text by bytes: the same words as Character by Character.
@Suite struct RequirementIdentityASCIITests {
    @Test func asciiWordsEqualCharacterWords() {
        var random = SeededRandom(seed: 2_023)
        var texts = [
            "", "System MUST handle legacy case 12 of the export", "- **FR-001**: System MUST see FR-011, T004 and US1.",
            "REQ-2.1 per-user done. sha256 oauth2 ipv6 30 days", "a--b a-.b -a- .x. _y_ wp06 task-3 story_2 uc-1.2.3 tc-x",
            "line one\r\nline two\rthree\nfour\t five", "FR_001 NFR-2 Kdd-1 ADR-02 DEC-3 d1 C-4 r2d2 t-- us-", "x.-.y 1.2.3 -1 .5",
        ]
        let pieces = ["FR", "fr", "-", ".", "_", "0", "1", "42", " ", "\r\n", "\n", "\t", "a", "Z", "system", "T", "us", "wp", "req",
                      "story", "KDD", "#", "*", "`", ":", ";", "(", ")", "[", "]", "sha256", "x"]
        for _ in 0..<20_000 {
            texts.append((0..<Int.random(in: 1...12, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined())
        }
        var differences: [String] = []
        for text in texts {
            let bytes = Array(text.utf8)
            let ascii = bytes.withUnsafeBufferPointer { RequirementIdentity.asciiWords($0) }
            if ascii != RequirementIdentity.characterWords(text) { differences.append(text.debugDescription) }
        }
        #expect(differences.isEmpty, "\(differences.prefix(10))")
        #expect(RequirementIdentity.words("- **FR-001**: Per-user done.") == ["per", "user", "done"])
        // Text that is not ASCII is read Character by Character.
        #expect(RequirementIdentity.words("Café FR-2 系统") == RequirementIdentity.characterWords("Café FR-2 系统"))
        #expect(RequirementIdentity.words("Café FR-2 系统") == ["café", "系", "统"])
    }
}
