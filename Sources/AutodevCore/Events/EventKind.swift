/// What a change means to autodev.
public enum EventKind: String, Sendable, Codable, CaseIterable, Comparable {
    case testFailed
    case specificationChanged
    case testAdded
    case dependencyUpdated
    case configurationChanged
    case codeModified

    /// The default priority: higher runs first. The order — failing tests, then specs, new tests,
    /// dependencies, configuration, plain code — is pinned by a test (the seed had it inverted).
    public var defaultPriority: Int {
        switch self {
        case .testFailed: 60
        case .specificationChanged: 50
        case .testAdded: 40
        case .dependencyUpdated: 30
        case .configurationChanged: 20
        case .codeModified: 10
        }
    }

    /// The snake_case name used in configuration keys (`[events.priorities] test_failed = 60`).
    public var configName: String {
        switch self {
        case .testFailed: "test_failed"
        case .specificationChanged: "specification_changed"
        case .testAdded: "test_added"
        case .dependencyUpdated: "dependency_updated"
        case .configurationChanged: "configuration_changed"
        case .codeModified: "code_modified"
        }
    }

    public static func < (lhs: EventKind, rhs: EventKind) -> Bool {
        lhs.defaultPriority > rhs.defaultPriority
    }
}

/// The glob categories a path is classified by, in the order they are tried. Tests come before
/// specs: `specs/login.spec.js` in a JavaScript project is a test, not a specification.
public enum PathCategory: String, Sendable, CaseIterable {
    case ignore
    case tests
    case specs
    case dependencies
    case configuration
    case code

    public var eventKind: EventKind? {
        switch self {
        case .ignore: nil
        case .specs: .specificationChanged
        case .tests: .testAdded
        case .dependencies: .dependencyUpdated
        case .configuration: .configurationChanged
        case .code: .codeModified
        }
    }
}
