/// What the core asks of a model, whoever serves it: the stable part first (rules, answer
/// format, repository map — the part provider prompt caches reuse), then the item's own part.
public struct LLMRequest: Sendable, Equatable {
    /// The system message: instructions and the answer format. Nothing volatile (times, run ids).
    public var system: String
    /// The user message: context documents, the requirement, files, the test or failure.
    public var prompt: String
    public var maxOutputTokens: Int
    public var temperature: Double

    public init(system: String, prompt: String, maxOutputTokens: Int, temperature: Double) {
        self.system = system
        self.prompt = prompt
        self.maxOutputTokens = maxOutputTokens
        self.temperature = temperature
    }
}

/// A model's answer, with what the provider said it cost.
public struct LLMAnswer: Sendable, Equatable {
    public enum Finish: Sendable, Equatable {
        /// The model ended its answer.
        case complete
        /// Cut off at the output token limit: the answer is incomplete.
        case truncated
        /// Anything else the provider named (content filter, tool call…).
        case other(String)
    }

    public var text: String
    public var finish: Finish
    /// From the provider's `usage`; nil when it sent none (some local servers).
    public var inputTokens: Int?
    public var outputTokens: Int?
    /// Input tokens the provider served from its prompt cache, when it says.
    public var cachedInputTokens: Int?
    /// The model that answered, as the provider names it.
    public var model: String?
    public var latencyMilliseconds: Int64
    /// Response headers, lower-cased names (rate-limit headers feed the limiter).
    public var headers: [String: String]

    public init(text: String, finish: Finish, inputTokens: Int? = nil, outputTokens: Int? = nil, cachedInputTokens: Int? = nil,
                model: String? = nil, latencyMilliseconds: Int64 = 0, headers: [String: String] = [:]) {
        self.text = text
        self.finish = finish
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cachedInputTokens = cachedInputTokens
        self.model = model
        self.latencyMilliseconds = latencyMilliseconds
        self.headers = headers
    }
}

/// A call that gave no usable answer.
public struct LLMError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// May succeed if tried again later: 408, 409, 429 (rate), 5xx, 529, timeouts, resets.
        case transient
        /// Will fail again as it is: 400, 401, 403, 404, an unknown model, a malformed reply.
        case permanent
        /// 429 `insufficient_quota` and the like: the account is out of money or quota; not
        /// retried, the next provider may serve.
        case quota
        /// A stop request abandoned the call; the work stays pending.
        case stopped
    }

    public var kind: Kind
    /// The HTTP status, when there was one.
    public var status: Int?
    /// Names the provider and says what to fix ("HTTP 401 from https://api.openai.com/v1: the
    /// key in $OPENAI_API_KEY was rejected").
    public var message: String
    /// From `retry-after-ms` / `retry-after` (seconds or an HTTP date), in seconds.
    public var retryAfterSeconds: Double?
    public var headers: [String: String]
    /// The request had left the machine when the call failed (a stop or a timeout while the
    /// provider worked, a broken connection, a 2xx reply that could not be read): the provider
    /// may have served it and charged for it, so it stays charged at its reservation.
    public var requestSent: Bool

    public init(_ kind: Kind, status: Int? = nil, _ message: String, retryAfterSeconds: Double? = nil, headers: [String: String] = [:],
                requestSent: Bool = false) {
        self.kind = kind
        self.status = status
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
        self.headers = headers
        self.requestSent = requestSent
    }

    public var description: String { message }
}

/// A model behind an API or a command. Calls are synchronous and honour `stopRequested`
/// within a second: the call is abandoned and `.stopped` thrown.
public protocol LLMProvider: Sendable {
    var config: ProviderConfig { get }
    func complete(_ request: LLMRequest, stopRequested: @escaping @Sendable () -> StopReason?) throws(LLMError) -> LLMAnswer
}

/// Builds providers from their configuration. The CLI passes one that knows the HTTP kinds
/// (module AutodevLLM); the core builds `command` providers itself.
public typealias LLMProviderFactory = @Sendable (ProviderConfig, _ environment: [String: String]) throws(AutodevError) -> any LLMProvider

/// One `[[llm.providers]]` table.
public struct ProviderConfig: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case openai, anthropic, command
    }

    public enum EditFormat: String, Sendable, Codable, CaseIterable {
        case whole
        case searchReplace = "search-replace"
    }

    public var name: String
    public var kind: Kind
    /// `https://api.openai.com/v1`, `http://127.0.0.1:11434/v1`, `https://api.anthropic.com`.
    public var baseURL: String
    public var model: String
    /// The NAME of the environment variable holding the key; a key never sits in a file.
    public var apiKeyEnv: String?
    public var timeoutSeconds: Int
    public var maxOutputTokens: Int
    public var contextTokens: Int
    public var temperature: Double
    public var editFormat: EditFormat
    public var inputPricePerMTok: Double
    public var outputPricePerMTok: Double
    /// For `kind = "command"`: run by /bin/sh, the prompt on stdin, the answer on stdout.
    public var command: String?
    /// 0: no limit.
    public var requestsPerMinute: Int
    public var tokensPerMinute: Int
    /// The file the table came from, for messages.
    public var source: String

    public init(name: String, kind: Kind, baseURL: String = "", model: String = "", apiKeyEnv: String? = nil,
                timeoutSeconds: Int = 300, maxOutputTokens: Int = 8192, contextTokens: Int = 32768, temperature: Double = 0,
                editFormat: EditFormat = .whole, inputPricePerMTok: Double = 0, outputPricePerMTok: Double = 0,
                command: String? = nil, requestsPerMinute: Int = 0, tokensPerMinute: Int = 0, source: String = "") {
        self.name = name
        self.kind = kind
        self.baseURL = baseURL
        self.model = model
        self.apiKeyEnv = apiKeyEnv
        self.timeoutSeconds = timeoutSeconds
        self.maxOutputTokens = maxOutputTokens
        self.contextTokens = contextTokens
        self.temperature = temperature
        self.editFormat = editFormat
        self.inputPricePerMTok = inputPricePerMTok
        self.outputPricePerMTok = outputPricePerMTok
        self.command = command
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
        self.source = source
    }

    /// USD for a call's tokens at the configured prices.
    public func cost(inputTokens: Int, outputTokens: Int) -> Double {
        (Double(inputTokens) * inputPricePerMTok + Double(outputTokens) * outputPricePerMTok) / 1_000_000
    }
}
