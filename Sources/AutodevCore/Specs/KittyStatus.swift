internal import FoundationEssentials

/// kitty-specs keeps a feature's progress in `status.json`, materialized from its event log:
/// the lane of every work package (planned, claimed, in_progress, for_review, in_review,
/// approved, done, blocked, canceled). Progress, not requirements.
struct KittyStatus: Decodable {
    struct WorkPackage: Decodable {
        var lane: String?
    }

    var work_packages: [String: WorkPackage]?

    /// Lanes in which a work package's code exists and was accepted (or dropped on purpose).
    static let finishedLanes: Set<String> = ["approved", "done", "canceled", "cancelled", "merged"]

    static func parse(_ bytes: [UInt8]) -> KittyStatus? {
        try? JSONDecoder().decode(KittyStatus.self, from: Data(bytes))
    }

    /// Why the whole feature is finished: every work package is in a finished lane.
    var finishedReason: String? {
        guard let packages = work_packages, !packages.isEmpty else { return nil }
        let lanes = packages.values.map { ($0.lane ?? "").lowercased() }
        guard lanes.allSatisfy(Self.finishedLanes.contains) else { return nil }
        return "status.json puts every work package (\(packages.count)) in approved or done"
    }
}
