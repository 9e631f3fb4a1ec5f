public import Foundation

/// The Prometheus text format read back by the reference parser, Debian's
/// python3-prometheus-client (`scripts/setup-deps` installs it): a test of `autodev metrics`
/// then fails on anything a real scraper would refuse.
public enum PrometheusParser {
    public struct Sample: Sendable {
        public let name: String
        public let labels: [String: String]
        public let value: Double
    }

    /// Samples by "FAMILY TYPE" (a counter's family is named without `_total`, as the parser does).
    public static func parse(_ text: String) throws -> [String: [Sample]] {
        let script = """
            import sys, json
            from prometheus_client.parser import text_string_to_metric_families
            out = {}
            for family in text_string_to_metric_families(sys.stdin.read()):
                out[family.name + " " + family.type] = [[s.name, s.labels, float(s.value)] for s in family.samples]
            print(json.dumps(out))
            """
        let result = try Subprocess.run("/usr/bin/python3", ["-c", script], input: Data(text.utf8))
        guard result.status == 0 else {
            throw ParseFailure(message: "the Prometheus parser refused the text, or is missing (scripts/setup-deps installs python3-prometheus-client): \(result.stderr)")
        }
        guard let object = try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: [[Any]]] else {
            throw ParseFailure(message: "unexpected parser output: \(result.stdout)")
        }
        return object.mapValues { samples in
            samples.map { Sample(name: $0[0] as? String ?? "", labels: $0[1] as? [String: String] ?? [:], value: ($0[2] as? NSNumber)?.doubleValue ?? .nan) }
        }
    }

    public struct ParseFailure: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }
}
