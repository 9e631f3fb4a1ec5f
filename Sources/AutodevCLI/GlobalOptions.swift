public import ArgumentParser

/// Flags every command takes.
public struct GlobalOptions: ParsableArguments {
    @Option(name: .customShort("C"), help: ArgumentHelp("Run as if autodev was started in <path>.", valueName: "path"))
    public var directory: String?

    public init() {}

    var startDirectory: String { directory ?? "." }
}
