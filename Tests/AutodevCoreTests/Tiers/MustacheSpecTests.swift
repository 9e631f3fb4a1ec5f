@testable import AutodevCore
import Foundation
import Testing

/// Every case of the official Mustache spec (Fixtures/mustache-spec, MIT license) for the
/// features autodev's templates have, with the documented exceptions named one by one: a case
/// that starts failing, or an exception that starts passing, shows.
@Suite struct MustacheSpecTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var file: String
        var name: String
        var template: String
        var data: any Sendable
        var expected: String
        var testDescription: String { "\(file): \(name)" }
    }

    /// Values are written raw: where the spec expects HTML escaping, the expected text is
    /// the value itself.
    static let unescaped: Set<String> = [
        "interpolation: HTML Escaping",
        "interpolation: Implicit Iterators - HTML Escaping",
        "sections: Implicit Iterator - HTML Escaping",
    ]

    /// Partials are a parse error that names them.
    static let partials: Set<String> = [
        "delimiters: Partial Inheritence", "delimiters: Post-Partial Behavior",
    ]

    static let files = ["comments", "interpolation", "sections", "inverted", "delimiters", "partials"]

    /// A JSON value as the spec writes it.
    enum JSON: Decodable {
        case null, bool(Bool), int(Int), double(Double), string(String), list([JSON]), object([String: JSON])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { self = .null }
            else if let bool = try? container.decode(Bool.self) { self = .bool(bool) }
            else if let int = try? container.decode(Int.self) { self = .int(int) }
            else if let double = try? container.decode(Double.self) { self = .double(double) }
            else if let string = try? container.decode(String.self) { self = .string(string) }
            else if let list = try? container.decode([JSON].self) { self = .list(list) }
            else { self = .object(try container.decode([String: JSON].self)) }
        }

        /// As the renderer's values (null is a missing key).
        var value: any Sendable {
            switch self {
            case .null: return ""
            case .bool(let bool): return bool
            case .int(let int): return int
            case .double(let double): return double
            case .string(let string): return string
            case .list(let list): return list.map(\.value)
            case .object(let object):
                return object.compactMapValues { value -> (any Sendable)? in
                    if case .null = value { return nil }
                    return value.value
                } as [String: any Sendable]
            }
        }
    }

    struct SpecFile: Decodable {
        struct Test: Decodable {
            var name: String
            var template: String
            var data: JSON
            var expected: String
        }
        var tests: [Test]
    }

    static let cases: [Case] = {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/mustache-spec")
        return files.flatMap { file -> [Case] in
            let data = try! Data(contentsOf: folder.appendingPathComponent(file + ".json"))
            let spec = try! JSONDecoder().decode(SpecFile.self, from: data)
            return spec.tests.map { test in
                Case(file: file, name: test.name, template: test.template, data: test.data.value, expected: test.expected)
            }
        }
    }()

    @Test func theFixturesHoldEveryCase() {
        #expect(Self.cases.count == 136)
        let names = Set(Self.cases.map(\.testDescription))
        #expect(Self.unescaped.isSubset(of: names) && Self.partials.isSubset(of: names))
    }

    @Test(arguments: cases)
    func specCase(_ spec: Case) throws {
        if spec.file == "partials" || Self.partials.contains(spec.testDescription) {
            #expect {
                try MustacheTemplate(spec.template)
            } throws: { error in
                (error as? MustacheTemplate.ParseError)?.problem.contains("partials") == true
            }
            return
        }
        let template = try MustacheTemplate(spec.template)
        var expected = spec.expected
        if Self.unescaped.contains(spec.testDescription) {
            expected = expected.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
                .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
            #expect(expected != spec.expected)
        }
        #expect(template.render(spec.data) == expected)
    }

    @Test(arguments: [
        ("{{#a}}x", "line 1: {{#a}} is never closed"),
        ("a\n{{#a}}\n{{/b}}", "line 3: {{/b}} closes {{#a}} opened on line 2"),
        ("x\n\n{{/b}}", "line 3: {{/b}} closes a section that was never opened"),
        ("{{a", "line 1: a tag opened with {{ is never closed with }}"),
        ("{{=<% %>=}}\n<%a", "line 2: a tag opened with <% is never closed with %>"),
        ("{{=<%=}}", "line 1: a delimiter change is written {{=<% %>=}}: two delimiters without '=' or spaces"),
        ("{{}}", "line 1: a variable without a name"),
        ("{{a..b}}", "line 1: 'a..b' is not a name (letters, digits and single dots: a.b.c)"),
        ("{{#}}{{/}}", "line 1: a section without a name"),
        ("one\n{{> part}}", "line 2: {{>…}} (partials, inheritance) is not supported"),
    ])
    func badTemplatesNameTheLineAndTheProblem(_ source: String, _ message: String) {
        #expect {
            try MustacheTemplate(source)
        } throws: { error in
            (error as? MustacheTemplate.ParseError)?.description == message
        }
    }

    @Test(arguments: [(1.5, "1.5"), (2.0, "2"), (-0.25, "-0.25"), (1e20, "1e+20"), (.infinity, "inf")])
    func decimalsAreWrittenAsJSONWritesThem(_ value: Double, _ text: String) throws {
        #expect(try MustacheTemplate("{{x}}").render(["x": value] as [String: any Sendable]) == text)
    }

    @Test func sectionsNestedPastTheLimitAreAParseErrorNotACrash() throws {
        func nested(_ depth: Int) -> String {
            String(repeating: "{{#a}}", count: depth) + "x" + String(repeating: "{{/a}}", count: depth)
        }
        let deepest = try MustacheTemplate(nested(MustacheTemplate.Parser.maxDepth))
        var value: any Sendable = "v"
        for _ in 0..<MustacheTemplate.Parser.maxDepth { value = ["a": value] as [String: any Sendable] }
        #expect(deepest.render(["a": value] as [String: any Sendable]).contains("x"))
        #expect { try MustacheTemplate(nested(50_000)) } throws: { error in
            "\(error)".contains("deeper than \(MustacheTemplate.Parser.maxDepth) levels") && "\(error)".contains("depth 101")
        }
    }
}
