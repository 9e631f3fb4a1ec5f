/// Groups work into changes and orders it. Changes come in the order their first item comes in
/// the queue (priority, age); inside a change the spec's own order rules, so a task that builds
/// on an earlier one is answered after it.
enum ChangePlanner {
    /// The feature an item belongs to: its spec's folder, or the test file for work without a
    /// requirement (a failing or added test).
    public static func key(of item: WorkItem) -> String {
        if let requirement = item.requirement { return RepositoryMap.folder(of: requirement.spec) }
        return item.path
    }

    public static func plan(_ items: [WorkItem]) -> [Change] {
        var order: [String] = []
        var groups: [String: [WorkItem]] = [:]
        for item in items {
            let key = key(of: item)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(item)
        }
        return order.map { Change(key: $0, items: sortedInFeature(groups[$0] ?? [])) }
    }

    /// Tasks before requirements, each by its line; items without a position keep their queue
    /// order after those with one (a stable sort).
    static func sortedInFeature(_ items: [WorkItem]) -> [WorkItem] {
        items.enumerated().sorted { a, b in
            let x = a.element.requirement?.ordinal, y = b.element.requirement?.ordinal
            switch (x, y) {
            case let (x?, y?) where x != y: return x < y
            case let (x?, y?) where x == y:
                let sx = a.element.requirement?.spec ?? "", sy = b.element.requirement?.spec ?? ""
                return sx != sy ? sx < sy : a.offset < b.offset
            case (.some, nil): return true
            case (nil, .some): return false
            default: return a.offset < b.offset
            }
        }.map(\.element)
    }
}
