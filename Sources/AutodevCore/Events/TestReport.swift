/// Failed tests read from a JUnit XML report (`--test-report`), the source of testFailed events.
/// A small scanner for the elements that matter — `testcase` and its `failure` or `error` —
/// rather than a full XML parser: reports from pytest, JUnit, Go's and Swift's JUnit writers
/// all have that shape.
public struct TestReport: Sendable {
    public struct Failure: Sendable, Equatable {
        public var classname: String
        public var name: String
        /// The source file when the report says (`file="…"`), else nil.
        public var file: String?
        public var message: String
    }

    public var path: String
    public var failures: [Failure]

    /// Reads and parses a report file; an unreadable or malformed one is a usage error (64).
    public static func load(_ path: String) throws(AutodevError) -> TestReport {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.read(path)
        } catch {
            throw invalid(path, error.message)
        }
        return try parse(bytes, path: path)
    }

    public static func parse(_ bytes: [UInt8], path: String) throws(AutodevError) -> TestReport {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw invalid(path, "it is not valid UTF-8")
        }
        guard text.contains("<testsuite") || text.contains("<testsuites") else {
            throw invalid(path, "it has no <testsuite> element; give a JUnit XML report (pytest --junitxml, gradle, go-junit-report, swift test --xunit-output)")
        }
        var failures: [Failure] = []
        var rest = Substring(text)
        while let open = rest.firstRange(of: "<testcase") {
            rest = rest[open.upperBound...]
            guard let tagEnd = rest.firstIndex(of: ">") else { throw invalid(path, "a <testcase> tag is never closed") }
            let attributes = attributeMap(rest[..<tagEnd])
            let selfClosing = rest[..<tagEnd].hasSuffix("/")
            rest = rest[rest.index(after: tagEnd)...]
            if selfClosing { continue }
            guard let close = rest.firstRange(of: "</testcase>") else { throw invalid(path, "a <testcase> element is never closed") }
            let body = rest[..<close.lowerBound]
            rest = rest[close.upperBound...]
            guard let marker = body.firstRange(of: "<failure") ?? body.firstRange(of: "<error") else { continue }
            let failureTag = body[marker.upperBound...].prefix { $0 != ">" }
            let message = attributeMap(failureTag)["message"] ?? ""
            failures.append(Failure(classname: attributes["classname"] ?? "", name: attributes["name"] ?? "(unnamed)",
                                    file: attributes["file"], message: String(message.prefix(500))))
        }
        return TestReport(path: path, failures: failures)
    }

    static func invalid(_ path: String, _ problem: String) -> AutodevError {
        AutodevError(.malformedRange, "test report \(path) cannot be used: \(problem)", exitStatus: .usage)
    }

    /// `name="a" classname='b'` → the attributes, entities decoded.
    static func attributeMap(_ tag: Substring) -> [String: String] {
        var result: [String: String] = [:]
        var rest = tag
        while let equals = rest.firstIndex(of: "=") {
            let name = rest[..<equals].split(whereSeparator: { $0.isWhitespace }).last.map(String.init) ?? ""
            var after = rest[rest.index(after: equals)...].drop { $0.isWhitespace }
            guard let quote = after.first, quote == "\"" || quote == "'" else { break }
            after = after.dropFirst()
            guard let end = after.firstIndex(of: quote) else { break }
            result[name] = decode(after[..<end])
            rest = after[after.index(after: end)...]
        }
        return result
    }

    static func decode(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var out = ""
        var rest = text
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[amp...]
            guard let semicolon = after.firstIndex(of: ";"), after.distance(from: after.startIndex, to: semicolon) <= 8 else {
                out += "&"
                rest = rest[rest.index(after: amp)...]
                continue
            }
            let entity = after[after.index(after: amp)..<semicolon]
            switch entity {
            case "quot": out += "\""
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "apos": out += "'"
            default:
                if entity.hasPrefix("#x"), let value = UInt32(entity.dropFirst(2), radix: 16), let scalar = Unicode.Scalar(value) {
                    out.unicodeScalars.append(scalar)
                } else if entity.hasPrefix("#"), let value = UInt32(entity.dropFirst()), let scalar = Unicode.Scalar(value) {
                    out.unicodeScalars.append(scalar)
                } else {
                    out += "&" + entity + ";"
                }
            }
            rest = after[after.index(after: semicolon)...]
        }
        return out + rest
    }

    /// The testFailed events of this report: one per failed test, with a stable id.
    func events(priority: Int) -> [Event] {
        failures.map { failure in
            let test = failure.classname.isEmpty ? failure.name : failure.classname + "." + failure.name
            let path = failure.file ?? (failure.classname.isEmpty ? self.path : failure.classname)
            let firstLine = failure.message.split(separator: "\n").first.map(String.init) ?? ""
            return Event(id: Event.makeID(kind: .testFailed, path: path, oldBlob: nil, newBlob: nil, test: test),
                         kind: .testFailed, priority: priority, path: path,
                         detail: firstLine.isEmpty ? test : "\(test): \(firstLine)")
        }
    }
}
