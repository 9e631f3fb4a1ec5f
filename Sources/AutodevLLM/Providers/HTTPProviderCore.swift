internal import Foundation
internal import AutodevCore

/// What the OpenAI and Anthropic providers share: the key, the endpoint, the call through
/// `HTTPClient`, and the mapping of every failure to an `LLMError` that names the provider and
/// its base URL and says what to fix. No message, log or description ever holds the key.
struct HTTPProviderCore: Sendable, CustomStringConvertible, CustomReflectable {
    let config: ProviderConfig
    let key: APIKey?
    let endpoint: String
    /// Only the proxy variables of the run's environment: the rest (other keys, tokens) is not
    /// kept, so nothing can show it.
    let proxyEnvironment: [String: String]
    let clock: any WallClock
    /// A protocol's word for its reply, for messages ("a chat-completions reply").
    let replyName: String

    /// Provider name and base URL without user info or query, for every message.
    var place: String { "provider '\(config.name)' (\(Self.displayURL(config.baseURL)))" }

    init(config: ProviderConfig, environment: [String: String], clock: any WallClock, endpoint: (String) -> String,
         replyName: String) throws(AutodevError) {
        let source = config.source.isEmpty ? "" : " (\(config.source))"
        let scheme = config.baseURL.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() }
        guard scheme == "http" || scheme == "https", config.baseURL.contains("://") else {
            throw AutodevError(.invalidConfig,
                               "provider '\(config.name)'\(source): base_url '\(Self.displayURL(config.baseURL))' is not an http:// or https:// URL: set it to the API's address, e.g. https://api.openai.com/v1",
                               key: "llm.providers.base_url")
        }
        guard !config.model.isEmpty else {
            throw AutodevError(.invalidConfig, "provider '\(config.name)'\(source): no model: set model to the name the server knows, e.g. \"gpt-4o-mini\"",
                               key: "llm.providers.model")
        }
        if let variable = config.apiKeyEnv, !variable.isEmpty {
            guard let value = environment[variable]?.trimmingWhitespace(), !value.isEmpty else {
                throw AutodevError(.invalidConfig,
                                   "provider '\(config.name)'\(source): api_key_env = \"\(variable)\" but $\(variable) is not set: export it with the key, or remove api_key_env for a server that needs none",
                                   key: "llm.providers.api_key_env")
            }
            key = APIKey(variable: variable, value: value)
        } else {
            key = nil
        }
        self.config = config
        proxyEnvironment = environment.filter { ProxySettings.variables.contains($0.key) }
        self.clock = clock
        self.endpoint = endpoint(config.baseURL.hasSuffix("/") ? String(config.baseURL.dropLast()) : config.baseURL)
        self.replyName = replyName
    }

    /// POSTs `body` and returns the response when its status is 2xx, with the latency. Any
    /// other status, and every transport failure, is thrown as an `LLMError`;
    /// `errorDetail` reads the provider's error body.
    func post(_ body: [UInt8], headers: [HTTPRequest.Header], stopRequested: @escaping @Sendable () -> StopReason?)
        throws(LLMError) -> (response: HTTPResponse, latencyMilliseconds: Int64) {
        let timeout = max(1, config.timeoutSeconds) * 1000
        let request = HTTPRequest(url: endpoint, headers: headers + [.init("Content-Type", "application/json"), .init("Accept", "application/json")],
                                  body: body, connectTimeoutMilliseconds: min(timeout, 10_000), timeoutMilliseconds: timeout,
                                  environment: proxyEnvironment)
        let started = clock.monotonicMilliseconds()
        let response: HTTPResponse
        do {
            let client = try HTTPClient()
            response = try client.post(request, stopRequested: stopRequested)
        } catch {
            throw transportFailure(error, proxy: ProxySettings(url: endpoint, environment: proxyEnvironment))
        }
        let latency = clock.monotonicMilliseconds() - started
        guard (200..<300).contains(response.status) else { throw statusFailure(response) }
        return (response, latency)
    }

    var description: String { "\(config.kind.rawValue) \(place), model '\(config.model)'" }

    /// What `dump` shows: no key, no proxy credentials.
    var customMirror: Mirror {
        Mirror(self, children: ["config": config, "key": key as Any, "endpoint": Self.displayURL(endpoint)])
    }

    // MARK: failures

    /// Keeps whether the request had been sent: such a call stays charged.
    func transportFailure(_ error: HTTPError, proxy: ProxySettings) -> LLMError {
        var failure = describe(error, proxy: proxy)
        failure.requestSent = error.requestSent
        return failure
    }

    private func describe(_ error: HTTPError, proxy: ProxySettings) -> LLMError {
        let via = proxy.proxy.isEmpty ? "" : " through proxy \(Self.displayURL(proxy.proxy))"
        let detail = scrub(error.message)
        switch error.kind {
        case .stopped:
            return LLMError(.stopped, "\(place): the call was abandoned on a stop request; the work stays pending")
        case .cannotConnect:
            return LLMError(.transient, "\(place): cannot connect\(via) (\(detail)): is the server running, and is base_url right?")
        case .cannotResolve:
            return LLMError(.transient, "\(place): cannot resolve the host\(via) (\(detail)): check base_url, the network and the proxy variables")
        case .timedOut:
            return LLMError(.transient, "\(place): no complete answer within timeout_seconds = \(config.timeoutSeconds) (\(detail)): raise timeout_seconds for a slow model, or check the server")
        case .tls:
            return LLMError(.permanent, "\(place): TLS failed\(via) (\(detail)): the server's certificate must be trusted by the system CA store (Debian's ca-certificates)")
        case .connectionLost:
            return LLMError(.transient, "\(place): the connection broke before a whole answer arrived\(via) (\(detail))")
        case .tooLarge:
            return LLMError(.permanent, "\(place): the answer was abandoned: \(detail); a model's answer is never that large, so check base_url")
        case .invalidRequest:
            return LLMError(.permanent, "\(place): the request could not be made (\(detail)): check base_url")
        case .libraryUnavailable:
            return LLMError(.permanent, "\(place): \(detail)")
        case .failed:
            return LLMError(.transient, "\(place): the call failed\(via) (\(detail))")
        }
    }

    /// A non-2xx status, as openai-python and the Anthropic SDK classify it: 408, 409, 429,
    /// 5xx and 529 may pass (`x-should-retry` overrides either way); an exhausted quota or a
    /// billing error is `.quota`; the rest is permanent.
    func statusFailure(_ response: HTTPResponse) -> LLMError {
        let status = response.status
        let error = ProviderErrorBody(response.body)
        let said = error.message.map { ": \(excerpt(scrub($0)))" } ?? ""
        let head = "HTTP \(status) from \(place)"
        let retry = retryAfterSeconds(response.headers, now: clock.now())
        let make = { (kind: LLMError.Kind, message: String) in
            LLMError(kind, status: status, message, retryAfterSeconds: kind == .transient ? retry : nil, headers: response.headers)
        }
        if status == 402 || error.isQuota {
            return make(.quota, "\(head): the account is out of quota or credit\(said); add credit or raise the limit, or let another provider serve")
        }
        let shouldRetry = response.headers["x-should-retry"]?.lowercased()
        if shouldRetry == "false" {
            return make(.permanent, "\(head)\(said) (the server says not to retry)")
        }
        switch status {
        case 401, 403:
            // The server's words are left out: OpenAI's 401 text quotes part of the key.
            if let key {
                return make(.permanent, "\(head): \(key) was rejected: check that it is valid for this server and model")
            }
            return make(.permanent, "\(head): the server wants a key: set api_key_env to the name of the variable that holds it")
        case 404:
            return make(.permanent, "\(head): unknown model '\(config.model)' or wrong base_url (\(Self.displayURL(endpoint)) was not found)\(said)")
        case 408, 409, 429, 500..., 529:
            let wait = retry.map { "; retry after \(Self.seconds($0)) s" } ?? ""
            return make(.transient, "\(head)\(said)\(wait)")
        case 413:
            return make(.permanent, "\(head): the request is too large for the server\(said); lower max_context_tokens")
        default:
            if shouldRetry == "true" { return make(.transient, "\(head)\(said)") }
            return make(.permanent, "\(head)\(said)")
        }
    }

    /// A 2xx reply that is not the protocol's JSON, or says nothing.
    func malformed(_ response: HTTPResponse, _ problem: String) -> LLMError {
        let body = String(decoding: response.body.prefix(400), as: UTF8.self)
        let start = body.isEmpty ? "an empty body" : "the body starts '\(excerpt(scrub(body)))'"
        return LLMError(.permanent, status: response.status,
                        "HTTP \(response.status) from \(place) is not \(replyName): \(problem) (\(start)); is base_url the API's address?",
                        headers: response.headers)
    }

    func scrub(_ text: String) -> String { key?.scrub(text) ?? text }

    /// At most 160 characters on one line, with control characters shown as spaces.
    func excerpt(_ text: String) -> String {
        var out = ""
        var lastWasSpace = false
        for character in text {
            let isSpace = character.isWhitespace || character.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
            if isSpace {
                if !lastWasSpace && !out.isEmpty { out.append(" ") }
                lastWasSpace = true
            } else {
                out.append(character)
                lastWasSpace = false
            }
            if out.count >= 160 { return out + "…" }
        }
        return out.trimmingWhitespace()
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    /// `scheme://host[:port]/path` without user info, query or fragment.
    static func displayURL(_ url: String) -> String {
        var rest = Substring(url)
        var scheme = ""
        if let range = rest.range(of: "://") {
            scheme = String(rest[..<range.upperBound])
            rest = rest[range.upperBound...]
        }
        if let end = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        if let at = rest[..<authorityEnd].lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        return scheme + rest
    }
}

/// The error object OpenAI-compatible servers and Anthropic send: `{"error": {"message",
/// "type", "code"}}`, a bare `{"error": "text"}` (some local servers), or `{"message"}`.
struct ProviderErrorBody {
    var message: String?
    var type: String?
    var code: String?

    init(_ body: [UInt8]) {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else { return }
        if let error = object["error"] as? [String: Any] {
            message = error["message"] as? String
            type = error["type"] as? String
            code = (error["code"] as? String) ?? (error["code"] as? Int).map(String.init)
        } else if let text = object["error"] as? String {
            message = text
        } else {
            message = object["message"] as? String ?? object["detail"] as? String
        }
    }

    /// OpenAI's `insufficient_quota`, Anthropic's `billing_error` and their words for it.
    var isQuota: Bool {
        let names = [type, code].compactMap { $0?.lowercased() }
        if names.contains(where: { $0.contains("insufficient_quota") || $0.contains("billing") }) { return true }
        let text = message?.lowercased() ?? ""
        return text.contains("exceeded your current quota") || text.contains("credit balance is too low")
    }
}
