@testable import AutodevCore
import Testing

@Suite struct SpecDiffTests {
    static let base = """
        # Feature

        ### User Story 1 - Sign in (Priority: P1)

        Users sign in with email and password.

        1. **Given** a user, **When** they sign in, **Then** they see the dashboard.
        2. **Given** a wrong password, **When** they sign in, **Then** they see an error.

        ## Requirements

        - **FR-001**: System MUST hash passwords
        - **FR-002**: System MUST lock accounts after five failures

        ## Tasks

        - [ ] T001 [US1] Build the form in src/login.ts
        """

    static func changes(_ old: String, _ new: String, path: String = "specs/001-x/spec.md") -> [String: RequirementChange.Kind] {
        let before = parse(path, old).requirements
        let after = parse(path, new).requirements
        var result: [String: RequirementChange.Kind] = [:]
        for change in SpecDiff.compare(before: before, after: after) {
            result[change.current.key] = change.kind
        }
        return result
    }

    static func changed(_ old: String, _ new: String) -> [String] {
        changes(old, new).filter { $0.value != .unchanged }.map { "\($0.key):\($0.value.rawValue)" }.sorted()
    }

    @Test func tickingACheckboxIsProgressNotAChange() {
        let ticked = Self.base.replacingOccurrences("- [ ] T001", "- [x] T001")
        #expect(Self.changed(Self.base, ticked).isEmpty)
        let before = parse("specs/001-x/spec.md", Self.base).requirements
        let after = parse("specs/001-x/spec.md", ticked).requirements
        let progress = SpecDiff.compare(before: before, after: after).filter(\.progressChanged).map(\.current.key)
        #expect(progress == ["T001"])
    }

    @Test func whitespaceWrappingAndRenumberingAreNotChanges() {
        let rewrapped = Self.base
            .replacingOccurrences("Users sign in with email and password.", "Users sign in\nwith   email and\npassword.")
            .replacingOccurrences("2. **Given** a wrong", "1. **Given** a wrong")
            .replacingOccurrences("- **FR-002**", "* **FR-002**")
        #expect(Self.changed(Self.base, rewrapped).isEmpty)
    }

    @Test func editingOneCriterionChangesThatRequirementOnly() {
        let edited = Self.base.replacingOccurrences("they see an error", "they see an error and a reset link")
        #expect(Self.changed(Self.base, edited) == ["US1:changed"])
        let fr = Self.base.replacingOccurrences("after five failures", "after three failures")
        #expect(Self.changed(Self.base, fr) == ["FR-002:changed"])
    }

    @Test func sameTextUnderANewKeyIsARename() {
        let renumbered = Self.base.replacingOccurrences("FR-002", "FR-010")
        #expect(Self.changed(Self.base, renumbered) == ["FR-010:renamed"])
    }

    @Test func addedAndRemovedRequirements() {
        let edited = Self.base
            .replacingOccurrences("- **FR-001**: System MUST hash passwords\n", "")
            + "\n- **FR-003**: System MUST log sign-ins\n"
        #expect(Self.changed(Self.base, edited) == ["FR-001:removed", "FR-003:added"])
    }

    @Test func aMovedSpecWithItsTextIntactChangesNothingAcrossFiles() {
        let before = parse("specs/001-x/spec.md", Self.base).requirements
        let after = parse("specs/002-y/spec.md", Self.base).requirements
        let removed = SpecDiff.compare(before: before, after: []).map { ("old", $0) }
        let added = SpecDiff.compare(before: [], after: after).map { ("new", $0) }
        let paired = SpecDiff.pairRenames(removed + added)
        #expect(paired.allSatisfy { $0.1.kind == .unchanged })
        #expect(paired.count == before.count)
    }

    @Test func openSpecDeltaOperationsDecideTheKindOfChange() {
        let delta = """
            ## ADDED Requirements
            ### Requirement: A
            The system SHALL a.
            ## MODIFIED Requirements
            ### Requirement: B
            The system SHALL b.
            ## REMOVED Requirements
            ### Requirement: C
            ## RENAMED Requirements
            - FROM: `### Requirement: D`
            - TO: `### Requirement: E`
            """
        #expect(Self.changes("", delta, path: "openspec/changes/x/specs/y/spec.md") == ["A": .added, "B": .changed, "C": .removed, "E": .renamed])
    }
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
