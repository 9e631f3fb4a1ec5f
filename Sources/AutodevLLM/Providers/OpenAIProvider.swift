internal import Foundation
public import AutodevCore

/// `kind = "openai"`: any OpenAI-compatible `/v1/chat/completions` — OpenAI, OpenRouter,
/// Groq, Together, a LiteLLM proxy, vLLM, llama.cpp's server, Ollama, LM Studio.
///
/// The request carries only fields every one of them accepts: `model`, `messages` (a system
/// message when there is one, then the user message), a token limit and `temperature`. Two
/// rules for OpenAI's own API (host `api.openai.com` or `*.openai.azure.com`), which deprecated
/// `max_tokens` and rejects it and any non-default temperature for its reasoning models:
/// - the limit goes in `max_completion_tokens` there and in `max_tokens` everywhere else
///   (Ollama documents only `max_tokens`; llama.cpp, vLLM, Groq, OpenRouter accept it);
/// - `temperature` is left out there for reasoning models (names starting `o1`…`o9` or
///   `gpt-5`), which accept only their default.
///
/// `finish_reason: "length"` is `.truncated`. Usage: `prompt_tokens` (cached included),
/// `completion_tokens`, `prompt_tokens_details.cached_tokens`.
public struct OpenAIProvider: LLMProvider, CustomStringConvertible, CustomReflectable {
    let core: HTTPProviderCore

    /// `openai provider 'local' (http://127.0.0.1:11434/v1), model 'qwen2.5-coder:14b'`: never the key.
    public var description: String { core.description }
    public var customMirror: Mirror { Mirror(self, children: ["core": core]) }

    public var config: ProviderConfig { core.config }

    public init(config: ProviderConfig, environment: [String: String], clock: any WallClock = SystemClock()) throws(AutodevError) {
        var config = config
        if config.baseURL.isEmpty { config.baseURL = "https://api.openai.com/v1" }
        core = try HTTPProviderCore(config: config, environment: environment, clock: clock, endpoint: { base in
            base.hasSuffix("/chat/completions") ? base : base + "/chat/completions"
        }, replyName: "a chat-completions reply")
    }

    /// Whether the base URL is OpenAI's own API (see the type's comment).
    var isOpenAIsAPI: Bool {
        let host = Self.host(of: config.baseURL)
        return host == "api.openai.com" || host.hasSuffix(".openai.azure.com")
    }

    var isReasoningModel: Bool {
        let model = config.model.lowercased()
        if model.hasPrefix("gpt-5") { return true }
        guard model.count >= 2, model.first == "o" else { return false }
        return model.dropFirst().first.map { ("1"..."9").contains($0) } ?? false
    }

    /// The JSON body (sorted keys, so the same request is the same bytes).
    func body(for request: LLMRequest) -> [UInt8] {
        var messages: [[String: Any]] = []
        if !request.system.isEmpty { messages.append(["role": "system", "content": request.system]) }
        messages.append(["role": "user", "content": request.prompt])
        var object: [String: Any] = ["model": config.model, "messages": messages]
        object[isOpenAIsAPI ? "max_completion_tokens" : "max_tokens"] = request.maxOutputTokens
        if !(isOpenAIsAPI && isReasoningModel) { object["temperature"] = request.temperature }
        return jsonBytes(object)
    }

    public func complete(_ request: LLMRequest, stopRequested: @escaping @Sendable () -> StopReason?) throws(LLMError) -> LLMAnswer {
        var headers: [HTTPRequest.Header] = []
        if let key = core.key { headers.append(.init("Authorization", "Bearer \(key.value)")) }
        let (response, latency) = try core.post(body(for: request), headers: headers, stopRequested: stopRequested)
        guard let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] else {
            throw core.malformed(response, "not JSON")
        }
        if object["error"] != nil, object["choices"] == nil {
            // LiteLLM and OpenRouter can wrap a failure in a 200.
            let said = ProviderErrorBody(response.body).message.map { core.excerpt(core.scrub($0)) } ?? "no message"
            throw LLMError(.permanent, status: response.status, "HTTP \(response.status) from \(core.place) carries an error: \(said)",
                           headers: response.headers)
        }
        guard let choices = object["choices"] as? [[String: Any]] else { throw core.malformed(response, "no 'choices'") }
        guard let choice = choices.first else { throw core.malformed(response, "'choices' is empty") }
        let message = choice["message"] as? [String: Any]
        let text = Self.text(of: message?["content"])
        let finish: LLMAnswer.Finish
        switch choice["finish_reason"] as? String {
        case nil, "stop": finish = .complete
        case "length": finish = .truncated
        case let other?: finish = .other(other)
        }
        // A reasoning model can spend the whole limit thinking: no text, cut at the limit.
        if text.isEmpty && finish != .truncated { throw core.malformed(response, "the answer's content is empty") }
        let usage = object["usage"] as? [String: Any]
        let details = usage?["prompt_tokens_details"] as? [String: Any]
        return LLMAnswer(text: text, finish: finish, inputTokens: int(usage?["prompt_tokens"]), outputTokens: int(usage?["completion_tokens"]),
                         cachedInputTokens: int(details?["cached_tokens"]), model: object["model"] as? String,
                         latencyMilliseconds: latency, headers: response.headers)
    }

    /// A message's content: a string, or (some servers) an array of `{"type":"text","text"}` parts.
    static func text(of content: Any?) -> String {
        if let text = content as? String { return text }
        guard let parts = content as? [[String: Any]] else { return "" }
        return parts.compactMap { $0["text"] as? String }.joined()
    }

    static func host(of url: String) -> String {
        let display = HTTPProviderCore.displayURL(url)
        guard let range = display.range(of: "://") else { return "" }
        let authority = display[range.upperBound...].prefix { $0 != "/" }
        let host = authority.hasPrefix("[") ? authority.prefix { $0 != "]" } + "]" : authority.prefix { $0 != ":" }
        return host.lowercased()
    }
}

/// JSON with sorted keys and unescaped slashes.
func jsonBytes(_ object: [String: Any]) -> [UInt8] {
    // Only strings, numbers, arrays and dictionaries go in: serialization cannot fail.
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    return [UInt8](data)
}

/// A JSON number as an Int (JSONSerialization gives NSNumber, Int or Double), within ±10¹²:
/// a server's `usage` of 1e300 (or Int.max, summed with the cached tokens) must not trap.
/// Negative and absurd values pass through as numbers; `UsageBounds` decides what is charged.
func int(_ value: Any?) -> Int? {
    let limit = 1_000_000_000_000
    if let value = value as? Int { return min(max(value, -limit), limit) }
    if let value = value as? Double, value.isFinite { return Int(min(max(value, -Double(limit)), Double(limit))) }
    return nil
}
