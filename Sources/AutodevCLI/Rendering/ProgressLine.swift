#if canImport(Glibc)
import Glibc
#endif
internal import AutodevCore

/// Draws a run's progress (`RunProgress`, reported by the core) on stderr.
///
/// On a terminal it is one line, redrawn in place with `\r`, and erased when the run ends so the
/// summary starts on a clean line; in CI (`CI` set, `--ci`), in hooks and whenever stderr is not
/// a terminal, it is plain lines: one per stage and at most one a second within a stage, which a
/// log keeps readable. Nothing shows for a run shorter than `delayMilliseconds` (a second): a
/// quick sync stays as quiet as before. Time comes from the injected clock, so a test decides
/// when "a second" has passed. Progress never goes to stdout, so `--json` output stays one object.
final class ProgressLine {
    enum Mode: Equatable {
        /// One updating line (stderr is a terminal).
        case line
        /// A line per update (CI, hooks, pipes, files).
        case plain
    }

    let mode: Mode
    /// SGR colour codes are used (a terminal, no `NO_COLOR`, `TERM` not `dumb`).
    let colour: Bool
    /// `\e[K` may erase the rest of the line (`TERM` is not `dumb`); else the line is padded.
    let eraseCode: Bool
    let clock: any WallClock
    let delayMilliseconds: Int64
    /// The terminal's width, when known: a longer line would wrap, and `\r` would redraw only
    /// its last row.
    let columns: Int?
    private let write: (String) -> Void
    private let started: Int64
    private var latest: RunProgress?
    private var shownStage: RunProgress.Stage?
    private var lastDraw: Int64 = 0
    /// The width of the line on screen, 0 when none is (line mode).
    private var onScreen = 0

    init(mode: Mode, colour: Bool, eraseCode: Bool = true, clock: any WallClock, delayMilliseconds: Int64 = 1000, columns: Int? = nil,
         write: @escaping (String) -> Void) {
        self.mode = mode
        self.colour = colour && mode == .line
        self.eraseCode = eraseCode
        self.clock = clock
        self.delayMilliseconds = delayMilliseconds
        self.columns = columns
        self.write = write
        started = clock.monotonicMilliseconds()
    }

    /// The renderer for this process's stderr: line mode only on a terminal outside CI and hooks.
    static func forStderr(environment: [String: String], ci: Bool, hook: Bool, clock: any WallClock = SystemClock()) -> ProgressLine {
        let terminal = isatty(2) == 1
        let inCI = ci || isSet(environment["CI"])
        let dumb = environment["TERM"] == "dumb"
        let mode: Mode = terminal && !inCI && !hook ? .line : .plain
        let delay = environment["AUTODEV_PROGRESS_DELAY_MS"].flatMap { Int64($0) }.map { max(0, $0) } ?? 1000
        var size = winsize()
        let columns = terminal && ioctl(2, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : nil
        return ProgressLine(mode: mode, colour: !isSet(environment["NO_COLOR"]) && !dumb, eraseCode: !dumb, clock: clock,
                            delayMilliseconds: delay, columns: columns, write: { Output.diagnosticRaw($0) })
    }

    /// `CI=true`, `CI=1`: set; unset, empty, `false` or `0`: not.
    static func isSet(_ value: String?) -> Bool {
        guard let value, !value.isEmpty else { return false }
        return value != "0" && value.lowercased() != "false"
    }

    func report(_ progress: RunProgress) {
        if progress.stage == .waiting, let note = progress.note {
            // A wait is news at once, whatever the delay: the run is not moving.
            clear()
            write("autodev: " + Terminal.safe(note) + "\n")
            return
        }
        latest = progress
        let now = clock.monotonicMilliseconds()
        guard now - started >= delayMilliseconds else { return }
        let newStage = progress.stage != shownStage
        let interval: Int64 = mode == .line ? 100 : 1000
        guard newStage || now - lastDraw >= interval else { return }
        draw(progress, at: now)
    }

    /// Ends the progress: the line on a terminal is erased (the summary follows on a clean line).
    func finish() {
        clear()
    }

    private func draw(_ progress: RunProgress, at now: Int64) {
        shownStage = progress.stage
        lastDraw = now
        let seconds = (now - started) / 1000
        switch mode {
        case .plain:
            write("autodev: progress: " + Self.text(progress, bold: false) + " (\(seconds) s)\n")
        case .line:
            var text = "autodev: " + Self.text(progress, bold: false) + " (\(seconds) s)"
            if let columns, text.count > columns - 1 {
                text = String(text.prefix(max(10, columns - 1)))  // cut, and plain: no code cut in half
            } else if colour {
                text = "autodev: " + Self.text(progress, bold: true) + " \u{1B}[2m(\(seconds) s)\u{1B}[0m"
            }
            let width = text.count - (colour ? Self.codeWidth(text) : 0)
            let tail = eraseCode ? "\u{1B}[K" : String(repeating: " ", count: max(0, onScreen - width))
            write("\r" + text + tail)
            onScreen = width
        }
    }

    /// Characters of SGR codes in `text`, which take no room on screen.
    static func codeWidth(_ text: String) -> Int {
        var width = 0, inCode = false
        for character in text {
            if character == "\u{1B}" { inCode = true }
            if inCode { width += 1 }
            if inCode && character == "m" { inCode = false }
        }
        return width
    }

    private func clear() {
        guard mode == .line, onScreen > 0 else { return }
        write(eraseCode ? "\r\u{1B}[K" : "\r" + String(repeating: " ", count: onScreen) + "\r")
        onScreen = 0
    }

    /// `tiers 120/500, pattern, 3 calls, USD 0.0123`
    static func text(_ progress: RunProgress, bold: Bool) -> String {
        let name = switch progress.stage {
        case .waiting: "waiting"
        case .events: "reading changes"
        case .deciding: "deciding"
        case .tiers: "tiers"
        case .model: "asking the model"
        case .results: "writing results"
        case .saving: "saving"
        }
        var parts = [bold ? "\u{1B}[1m" + name + "\u{1B}[0m" : name]
        switch progress.stage {
        case .tiers, .model:
            parts[0] += " \(progress.done)/\(progress.total)"
        case .deciding:
            parts[0] += " \(progress.total) event\(progress.total == 1 ? "" : "s")"
        case .results:
            parts[0] += " \(progress.total) file\(progress.total == 1 ? "" : "s")"
        default:
            break
        }
        if let tier = progress.tier, progress.stage == .tiers || progress.stage == .model { parts.append("tier \(tier)") }
        if progress.calls > 0 || progress.cost > 0 {
            parts.append("\(progress.calls) call\(progress.calls == 1 ? "" : "s")")
            parts.append("USD " + LLMUsage.dollars(progress.cost))
        }
        return parts.joined(separator: ", ")
    }
}
