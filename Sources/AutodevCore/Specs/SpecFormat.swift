/// The spec-driven tool a document was written for.
enum SpecFormat: String, Sendable, Codable, CaseIterable, Comparable {
    case specKit
    case kittySpecs
    case kiro
    case openSpec
    case bmad
    case prp
    case markdown
    /// A spec that is not Markdown (an OpenAPI file, a `.feature`): one requirement per file.
    case document

    public static func < (a: SpecFormat, b: SpecFormat) -> Bool { a.rawValue < b.rawValue }
}

extension SpecFormat {
    /// The name users know the format by.
    public var displayName: String {
        switch self {
        case .specKit: "Spec Kit"
        case .kittySpecs: "kitty-specs"
        case .kiro: "Kiro"
        case .openSpec: "OpenSpec"
        case .bmad: "BMAD"
        case .prp: "PRP"
        case .markdown: "Markdown"
        case .document: "document"
        }
    }
}
