@testable import AutodevCore
import AutodevLLM
import AutodevTestSupport
import Foundation
import Synchronization

/// A stop flag a test raises from another thread, read by the call's `stopRequested`.
final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func raise() { value.store(true, ordering: .relaxed) }
    var check: @Sendable () -> StopReason? { { self.value.load(ordering: .relaxed) ? .terminate : nil } }
}

let never: @Sendable () -> StopReason? = { nil }

/// The machine's monotonic clock in milliseconds.
func monotonicNow() -> Int64 { SystemClock().monotonicMilliseconds() }

func openAIConfig(_ baseURL: String, model: String = "qwen2.5-coder:14b", apiKeyEnv: String? = "OPENAI_API_KEY",
                  timeoutSeconds: Int = 30) -> ProviderConfig {
    ProviderConfig(name: "local", kind: .openai, baseURL: baseURL, model: model, apiKeyEnv: apiKeyEnv, timeoutSeconds: timeoutSeconds)
}

func anthropicConfig(_ baseURL: String, model: String = "claude-sonnet-4-5", timeoutSeconds: Int = 30) -> ProviderConfig {
    ProviderConfig(name: "claude", kind: .anthropic, baseURL: baseURL, model: model, apiKeyEnv: "ANTHROPIC_API_KEY",
                   timeoutSeconds: timeoutSeconds)
}

let openAIKey = "sk-test-Zq8XwV3nT5rL0pK2mJ7hG4fD1sA9"
let anthropicKey = "sk-ant-api03-TEST-Yh6Tg5Rf4Ed3Ws2Qa1Zx0-AA"
let keys = ["OPENAI_API_KEY": openAIKey, "ANTHROPIC_API_KEY": anthropicKey]

let request = LLMRequest(system: "You write Swift. Answer with whole files.", prompt: "Implement FR-001.", maxOutputTokens: 1024,
                         temperature: 0.2)

/// Runs `body` on its own thread, so the test can act while the call is in flight.
final class Background<T: Sendable>: Sendable {
    private let result = Mutex<T?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () -> T) {
        Thread { [self] in
            let value = body()
            result.withLock { $0 = value }
            done.signal()
        }.start()
    }

    /// Waits for the result; nil when it did not come within `seconds` (a guard against a hang).
    func wait(seconds: Double = 30) -> T? {
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        return result.withLock { $0 }
    }
}

func completion(_ provider: any LLMProvider, stop: @escaping @Sendable () -> StopReason? = never) -> Result<LLMAnswer, LLMError> {
    do throws(LLMError) { return .success(try provider.complete(request, stopRequested: stop)) } catch { return .failure(error) }
}

extension Result {
    var error: Failure? { if case .failure(let error) = self { error } else { nil } }
    var value: Success? { if case .success(let value) = self { value } else { nil } }
}

/// A chat-completions reply.
func chatReply(_ content: String, finish: String = "stop", model: String = "qwen2.5-coder:14b") -> String {
    let escaped = String(decoding: try! JSONSerialization.data(withJSONObject: [content], options: [.fragmentsAllowed]), as: UTF8.self)
    return """
    {"id":"chatcmpl-1","object":"chat.completion","model":"\(model)","choices":[{"index":0,"message":{"role":"assistant","content":\(escaped.dropFirst().dropLast())},"finish_reason":"\(finish)"}],"usage":{"prompt_tokens":120,"completion_tokens":34,"total_tokens":154,"prompt_tokens_details":{"cached_tokens":64}}}
    """
}

/// A Messages API reply.
func messagesReply(_ text: String, stop: String = "end_turn") -> String {
    let escaped = String(decoding: try! JSONSerialization.data(withJSONObject: [text]), as: UTF8.self)
    return """
    {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":\(escaped.dropFirst().dropLast())}],"stop_reason":"\(stop)","stop_sequence":null,"usage":{"input_tokens":20,"cache_creation_input_tokens":100,"cache_read_input_tokens":900,"output_tokens":55}}
    """
}

/// A port bound but not listening for the life of the value: a connection to it is refused.
final class ClosedPort {
    let port: Int
    private let fd: Int32

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw CocoaError(.featureUnsupported) }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }
}
