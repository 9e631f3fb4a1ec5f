@testable import AutodevCLI
@testable import AutodevCore
import Foundation
import Glibc
import Testing

/// The progress renderer on a real pseudo-terminal (openpty) and a real pipe, with the time of
/// the injected clock.
@Suite struct ProgressLineTests {
    /// A pseudo-terminal pair: the renderer writes to the terminal side, the test reads the other.
    final class PseudoTerminal {
        var controller: Int32 = -1
        var terminal: Int32 = -1

        init() throws {
            var size = winsize(ws_row: 24, ws_col: 200, ws_xpixel: 0, ws_ypixel: 0)
            guard openpty(&controller, &terminal, nil, nil, &size) == 0 else { throw POSIXError(.EIO) }
        }

        deinit {
            close(controller)
            close(terminal)
        }

        /// What was written so far (the writes are done, so it is all buffered).
        func drain() -> String {
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            let flags = fcntl(controller, F_GETFL)
            _ = fcntl(controller, F_SETFL, flags | O_NONBLOCK)
            while true {
                let count = read(controller, &buffer, buffer.count)
                if count <= 0 { break }
                bytes += buffer[0..<count]
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    static func writer(_ fd: Int32) -> (String) -> Void {
        { text in _ = text.withCString { write(fd, $0, strlen($0)) } }
    }

    static let steps: [RunProgress] = [
        RunProgress(stage: .events),
        RunProgress(stage: .deciding, total: 3),
        RunProgress(stage: .tiers, done: 0, total: 3),
        RunProgress(stage: .tiers, done: 1, total: 3, tier: "pattern"),
        RunProgress(stage: .tiers, done: 2, total: 3, tier: "template"),
        RunProgress(stage: .model, done: 0, total: 1, tier: "llm", calls: 2, cost: 0.0125),
        RunProgress(stage: .results, done: 2, total: 2, calls: 2, cost: 0.0125),
        RunProgress(stage: .saving, calls: 2, cost: 0.0125),
    ]

    @Test func onATerminalOneLineIsRedrawnInPlaceAndErasedAtTheEnd() throws {
        let pty = try PseudoTerminal()
        #expect(isatty(pty.terminal) == 1)
        let clock = ManualClock(now: 1_700_000_000)
        let line = ProgressLine(mode: .line, colour: false, clock: clock, write: Self.writer(pty.terminal))
        clock.advance(milliseconds: 1_500)
        for step in Self.steps {
            line.report(step)
            clock.advance(milliseconds: 150)
        }
        line.finish()
        let text = pty.drain()
        // Every draw starts at the line's start; none ends the line: the line is one line.
        #expect(!text.contains("\n"), "\(text.debugDescription)")
        let draws = text.split(separator: "\r", omittingEmptySubsequences: true)
        #expect(draws.count == Self.steps.count + 1, "\(text.debugDescription)")
        #expect(text.contains("autodev: tiers 1/3, tier pattern (1 s)\u{1B}[K"))
        #expect(text.contains("asking the model 0/1, tier llm, 2 calls, USD 0.0125"))
        // It ends cleanly: the last write erases the line, so the summary starts in column 0.
        #expect(text.hasSuffix("\r\u{1B}[K"))
        #expect(!text.contains("\u{1B}[1m"), "no colour asked for")
    }

    @Test func colourIsUsedOnlyWhenAskedAndTermDumbPadsInsteadOfEscapes() throws {
        let pty = try PseudoTerminal()
        let clock = ManualClock(now: 0)
        let coloured = ProgressLine(mode: .line, colour: true, clock: clock, delayMilliseconds: 0, write: Self.writer(pty.terminal))
        coloured.report(RunProgress(stage: .tiers, done: 5, total: 9, tier: "template"))
        coloured.finish()
        #expect(pty.drain().contains("\u{1B}[1mtiers\u{1B}[0m 5/9"))

        let dumb = ProgressLine(mode: .line, colour: false, eraseCode: false, clock: clock, delayMilliseconds: 0, write: Self.writer(pty.terminal))
        dumb.report(RunProgress(stage: .tiers, done: 10, total: 99, tier: "template"))
        clock.advance(milliseconds: 200)
        dumb.report(RunProgress(stage: .saving))
        dumb.finish()
        let text = pty.drain()
        #expect(!text.contains("\u{1B}"), "\(text.debugDescription)")
        // The shorter line is padded over the longer one, and the end blanks the line.
        #expect(text.contains("\rautodev: saving (0 s)" + String(repeating: " ", count: "autodev: tiers 10/99, tier template (0 s)".count - "autodev: saving (0 s)".count)))
        #expect(text.hasSuffix(String(repeating: " ", count: "autodev: saving (0 s)".count) + "\r"))
    }

    @Test func aRunShorterThanTheDelayShowsNothing() throws {
        let pty = try PseudoTerminal()
        let clock = ManualClock(now: 0)
        let line = ProgressLine(mode: .line, colour: true, clock: clock, write: Self.writer(pty.terminal))
        for step in Self.steps {
            line.report(step)
            clock.advance(milliseconds: 100)  // 800 ms in all: under the second
        }
        line.finish()
        #expect(pty.drain().isEmpty)
    }

    @Test func inAPipeProgressIsPlainLinesOnePerStageAndAtMostOneASecond() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let clock = ManualClock(now: 0)
        let line = ProgressLine(mode: .plain, colour: true, clock: clock, write: Self.writer(fds[1]))
        clock.advance(milliseconds: 1_000)
        line.report(RunProgress(stage: .events))
        for done in 0..<100 {
            line.report(RunProgress(stage: .tiers, done: done, total: 100, tier: "template"))
            clock.advance(milliseconds: 25)  // 2.5 s of tiers
        }
        line.report(RunProgress(stage: .saving))
        line.finish()
        close(fds[1])
        let text = String(decoding: FileHandle(fileDescriptor: fds[0]).readDataToEndOfFile(), as: UTF8.self)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(!text.contains("\r") && !text.contains("\u{1B}"), "\(text.debugDescription)")
        #expect(lines == [
            "autodev: progress: reading changes (1 s)",
            "autodev: progress: tiers 0/100, tier template (1 s)",
            "autodev: progress: tiers 40/100, tier template (2 s)",
            "autodev: progress: tiers 80/100, tier template (3 s)",
            "autodev: progress: saving (3 s)",
        ], "\(lines)")
    }

    @Test func aWaitIsShownAtOnceOnItsOwnLine() throws {
        let pty = try PseudoTerminal()
        let clock = ManualClock(now: 0)
        let line = ProgressLine(mode: .line, colour: false, clock: clock, delayMilliseconds: 0, write: Self.writer(pty.terminal))
        line.report(RunProgress(stage: .tiers, done: 1, total: 2))
        line.report(RunProgress(stage: .waiting, note: "waiting for the sync already running (pid 42) on this repository…"))
        let text = pty.drain()
        // The line is erased first, then the note ends with a newline (the pty shows it as \r\n).
        #expect(text.contains("\r\u{1B}[Kautodev: waiting for the sync already running (pid 42) on this repository…\r\n"), "\(text.debugDescription)")
    }

    @Test(arguments: [
        ([String: String](), false, false, ProgressLine.Mode.line),
        (["CI": "true"], false, false, .plain),
        (["CI": "false"], false, false, .line),
        ([:], true, false, .plain),
        ([:], false, true, .plain),
    ])
    func theModeFollowsCIAndHooks(_ environment: [String: String], _ ci: Bool, _ hook: Bool, _ expected: ProgressLine.Mode) throws {
        // forStderr looks at fd 2: point it at a pseudo-terminal for the call.
        let pty = try PseudoTerminal()
        let saved = dup(2)
        dup2(pty.terminal, 2)
        let line = ProgressLine.forStderr(environment: environment, ci: ci, hook: hook, clock: ManualClock(now: 0))
        dup2(saved, 2)
        close(saved)
        #expect(line.mode == expected)
        #expect(line.colour == (expected == .line))
        let noColour = ProgressLine.forStderr(environment: environment.merging(["NO_COLOR": "1"]) { $1 }, ci: ci, hook: hook, clock: ManualClock(now: 0))
        #expect(!noColour.colour)
    }
}
