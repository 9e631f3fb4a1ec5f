/// The proxy for one URL, read from the run's environment the way libcurl reads the process's.
///
/// libcurl consults `getenv` itself when no proxy option is set; autodev sets both options
/// explicitly instead, so the environment the provider was given is the only source (a test,
/// or a caller that changed it, sees its own values used) and an empty result turns proxies
/// off rather than falling back to the process environment. The rules are libcurl's:
/// `https_proxy`/`HTTPS_PROXY` for https URLs, only lower-case `http_proxy` for http URLs (the
/// upper-case form can be set by a CGI request header, "httpoxy"), then `all_proxy`/`ALL_PROXY`;
/// lower case wins; `no_proxy`/`NO_PROXY` lists hosts, domains or `*` that go direct.
public struct ProxySettings: Sendable, Equatable {
    /// `http://proxy:3128`; empty: no proxy.
    public var proxy: String
    /// Comma-separated hosts that bypass the proxy; empty: none.
    public var noProxy: String

    /// Every variable these rules read.
    public static let variables = ["https_proxy", "HTTPS_PROXY", "http_proxy", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"]

    public init(url: String, environment: [String: String]) {
        let scheme = url.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        var names: [String] = []
        switch scheme {
        case "https": names = ["https_proxy", "HTTPS_PROXY"]
        case "http": names = ["http_proxy"]
        default: break
        }
        names += ["all_proxy", "ALL_PROXY"]
        proxy = Self.first(names, in: environment)
        noProxy = Self.first(["no_proxy", "NO_PROXY"], in: environment)
    }

    private static func first(_ names: [String], in environment: [String: String]) -> String {
        for name in names {
            if let value = environment[name]?.trimmingWhitespace(), !value.isEmpty { return value }
        }
        return ""
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
