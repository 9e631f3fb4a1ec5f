internal import Foundation
public import AutodevCore

/// `kind = "anthropic"`: the Messages API, natively — `POST {base_url}/v1/messages` with
/// `x-api-key` and `anthropic-version: 2023-06-01`; `system` at the top level; `max_tokens`
/// (required by the API); the user message; `temperature`.
///
/// The answer is the concatenated `text` content blocks; `stop_reason: "max_tokens"` is
/// `.truncated`. `inputTokens` is everything the model read — `input_tokens` plus
/// `cache_creation_input_tokens` plus `cache_read_input_tokens`, as OpenAI's `prompt_tokens`
/// counts cached tokens — and `cachedInputTokens` is `cache_read_input_tokens`.
public struct AnthropicProvider: LLMProvider, CustomStringConvertible, CustomReflectable {
    let core: HTTPProviderCore

    /// `openai provider 'local' (http://127.0.0.1:11434/v1), model 'qwen2.5-coder:14b'`: never the key.
    public var description: String { core.description }
    public var customMirror: Mirror { Mirror(self, children: ["core": core]) }

    /// The API version every Messages request names.
    static let apiVersion = "2023-06-01"

    public var config: ProviderConfig { core.config }

    public init(config: ProviderConfig, environment: [String: String], clock: any WallClock = SystemClock()) throws(AutodevError) {
        var config = config
        if config.baseURL.isEmpty { config.baseURL = "https://api.anthropic.com" }
        core = try HTTPProviderCore(config: config, environment: environment, clock: clock, endpoint: { base in
            if base.hasSuffix("/v1/messages") { return base }
            return base.hasSuffix("/v1") ? base + "/messages" : base + "/v1/messages"
        }, replyName: "a Messages API reply")
    }

    func body(for request: LLMRequest) -> [UInt8] {
        var object: [String: Any] = [
            "model": config.model,
            "max_tokens": request.maxOutputTokens,
            "messages": [["role": "user", "content": request.prompt]],
            "temperature": request.temperature,
        ]
        if !request.system.isEmpty { object["system"] = request.system }
        return jsonBytes(object)
    }

    public func complete(_ request: LLMRequest, stopRequested: @escaping @Sendable () -> StopReason?) throws(LLMError) -> LLMAnswer {
        var headers: [HTTPRequest.Header] = [.init("anthropic-version", Self.apiVersion)]
        if let key = core.key { headers.append(.init("x-api-key", key.value)) }
        let (response, latency) = try core.post(body(for: request), headers: headers, stopRequested: stopRequested)
        guard let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] else {
            throw core.malformed(response, "not JSON")
        }
        if object["type"] as? String == "error" {
            let said = ProviderErrorBody(response.body).message.map { core.excerpt(core.scrub($0)) } ?? "no message"
            throw LLMError(.permanent, status: response.status, "HTTP \(response.status) from \(core.place) carries an error: \(said)",
                           headers: response.headers)
        }
        guard let blocks = object["content"] as? [[String: Any]] else { throw core.malformed(response, "no 'content' blocks") }
        let text = blocks.filter { $0["type"] as? String == "text" }.compactMap { $0["text"] as? String }.joined()
        let finish: LLMAnswer.Finish
        switch object["stop_reason"] as? String {
        case nil, "end_turn", "stop_sequence": finish = .complete
        case "max_tokens": finish = .truncated
        case let other?: finish = .other(other)
        }
        if text.isEmpty && finish != .truncated { throw core.malformed(response, "no text in the answer's content") }
        let usage = object["usage"] as? [String: Any]
        let read = int(usage?["cache_read_input_tokens"])
        let input = int(usage?["input_tokens"]).map { $0 + (int(usage?["cache_creation_input_tokens"]) ?? 0) + (read ?? 0) }
        return LLMAnswer(text: text, finish: finish, inputTokens: input, outputTokens: int(usage?["output_tokens"]),
                         cachedInputTokens: read, model: object["model"] as? String, latencyMilliseconds: latency,
                         headers: response.headers)
    }
}
