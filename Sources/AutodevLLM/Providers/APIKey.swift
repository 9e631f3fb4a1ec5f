/// An API key read from the environment. Its description, debug description and mirror never
/// show it, so no interpolation, `dump` or log line can leak it.
struct APIKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The variable it came from, for messages ("the key in $OPENAI_API_KEY").
    let variable: String
    let value: String

    var description: String { "the key in $\(variable)" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: ["variable": variable]) }

    /// `text` with every occurrence of the key replaced, for quoting a server's words.
    func scrub(_ text: String) -> String {
        value.count >= 4 ? text.replacing(value, with: "«$\(variable)»") : text
    }
}
