import ArgumentParser
import CTun
import Foundation
import IPConfig
import Replay
import Scenario
import Simulation
import Stepper

/// `tcpsim step`: walk through a scenario one event at a time.
struct StepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step",
        abstract: "Step through a scenario one event at a time: sockets, timers, events and the state diagram.",
        discussion: """
            SOURCE is a scenario script (.pkt), a capture (.pcap, .pcapng: replayed against the model as \
            'tcpsim replay' does) or 'stall[:VARIANT]' (the built-in shutdown stall). On a \
            terminal it opens a full-screen view; keys: n step, b back, s next segment, c next state change, \
            a next API call, t next timer, g continue to a breakpoint, : command line, ? help, q quit. \
            Commands: step [N], back [N], next segment|state|call|timer, continue, until state N eSTATE, \
            until t=40s, break state N eSTATE | timer [N] | segment TEXT | if PREDICATE (e.g. \
            'childCount(3) == backlog(3)'), breakpoints, delete N, select N, goto N, personality (re-run \
            as the other stack), quit. With --c-app PROGRAM (built by 'tcpsim cc') your own FreeRTOS application \
            is the device's app: step through its calls and states. With --plain (or when input is not a terminal) the same commands come \
            from --commands FILE or standard input, one per line, and each frame is printed as text.

            Examples:
              tcpsim step stall
              tcpsim step Fixtures/scenarios/reuse-shutdown-stall.pkt
              tcpsim step pcaps/S3-stall.pcap --plain --commands steps.txt
              tcpsim step stall --c-app ./server
            """)

    @ArgumentParser.Argument(help: "A scenario script (.pkt), a capture (.pcap/.pcapng, replayed against the model), or stall[:VARIANT].")
    var source: String

    @Option(help: "The stack: freertos or rfc (a script's own --personality line is replaced).")
    var personality: String = "freertos"

    @Option(help: "A FreeRTOSIPConfig.h for the device.")
    var config: String?

    @Flag(help: "Print plain-text frames instead of the full-screen view.")
    var plain = false

    @Option(help: "Read commands from this file (plain mode).")
    var commands: String?

    @Option(help: "Frame width for plain mode.")
    var width: Int = 100

    @Option(help: "Frame height for plain mode.")
    var height: Int = 40

    @OptionGroup var cAppOptions: CAppOptions

    func validate() throws {
        guard Personality(rawValue: personality) != nil else {
            throw CLIError("--personality expects freertos or rfc, found '\(personality)'")
        }
        guard (40...500).contains(width), (12...500).contains(height) else {
            throw CLIError("--width expects 40...500 and --height 12...500, found \(width)x\(height)")
        }
    }

    func run() throws {
        let cApp = try cAppOptions.load()
        if cApp != nil, config != nil {
            throw CLIError("--config and --c-app both configure the device: the C application's FreeRTOSIPConfig.h does; drop --config")
        }
        let ipConfig = try cApp?.config ?? config.map(loadIPConfig)
        let stepSource: StepSource
        if source == "stall" || source.hasPrefix("stall:") {
            let name = source == "stall" ? "report" : String(source.dropFirst("stall:".count))
            guard let variant = TerminalServerVariant(rawValue: name) else {
                throw CLIError("stall: expected a variant (\(TerminalServerVariant.allCases.map(\.rawValue).joined(separator: ", "))), found '\(name)'")
            }
            stepSource = .stall(variant, config: ipConfig ?? .defaults)
        } else if source.hasSuffix(".pcap") || source.hasSuffix(".pcapng") || source.hasSuffix(".cap") {
            var settings = ReplaySettings()
            settings.config = ipConfig ?? .defaults
            do {
                stepSource = .capture(try Capture(path: source), settings: settings)
            } catch {
                throw CLIError("\(error)")
            }
        } else {
            let text = try readConfigText(source)
            do {
                stepSource = .script(try Script.parse(text, file: source), file: source, config: ipConfig)
            } catch {
                throw CLIError("\(error)")
            }
        }
        let stepper: Stepper
        do {
            stepper = try Stepper(stepSource, personality: Personality(rawValue: personality) ?? .freertos,
                                  app: cApp?.image.starter)
        } catch {
            throw CLIError("\(error)")
        }
        if plain || commands != nil || isatty(0) == 0 || isatty(1) == 0 {
            try runPlain(stepper)
        } else {
            try FullScreen(stepper: stepper).run()
        }
    }

    /// Commands from a file or stdin; a frame after each.
    private func runPlain(_ stepper: Stepper) throws {
        let renderer = FrameRenderer(width: width, height: height)
        let lines: [String]
        if let commands {
            lines = try readConfigText(commands).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        } else {
            var input: [String] = []
            while let line = readLine() { input.append(line) }
            lines = input
        }
        print(renderer.render(stepper).joined(separator: "\n"))
        for line in lines where !line.trimmingCharacters(in: .whitespaces).isEmpty && !line.hasPrefix("#") {
            let reply = stepper.execute(line)
            print("── > \(line)")
            print(renderer.render(stepper, prompt: reply).joined(separator: "\n"))
            if stepper.finished { break }
        }
    }
}

/// The full-screen view: raw terminal, alternate screen, redrawn after every key and on resize; the
/// terminal is restored on quit, on errors and on SIGTERM/SIGHUP.
struct FullScreen {
    let stepper: Stepper

    func run() throws {
        var original = termios()
        guard tcgetattr(0, &original) == 0 else { throw CLIError("cannot read the terminal settings of standard input") }
        var raw = original
        cfmakeraw(&raw)
        raw.c_oflag |= tcflag_t(OPOST)  // keep "\n" → "\r\n"
        tcsetattr(0, TCSAFLUSH, &raw)
        ctun_install_resize_handler()
        ctun_install_stop_handlers()
        write("\u{1B}[?1049h\u{1B}[?25l")  // alternate screen, hide the cursor
        defer {
            write("\u{1B}[?25h\u{1B}[?1049l")
            var restore = original
            tcsetattr(0, TCSAFLUSH, &restore)
        }
        var commandLine: String?
        while !stepper.finished && ctun_stop_signal() == 0 {
            draw(commandLine: commandLine)
            guard let byte = readByte() else {
                if ctun_take_resize() != 0 { continue }
                if ctun_stop_signal() != 0 { break }
                continue
            }
            if var typed = commandLine {
                switch byte {
                case 13, 10:
                    commandLine = nil
                    stepper.execute(typed)
                case 27: commandLine = nil
                case 127, 8:
                    if !typed.isEmpty { typed.removeLast() }
                    commandLine = typed
                case 3: commandLine = nil
                default:
                    if byte >= 32 && byte < 127 { typed.append(Character(UnicodeScalar(byte))) }
                    commandLine = typed
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "n"), UInt8(ascii: " "): stepper.execute("step")
            case UInt8(ascii: "b"): stepper.execute("back")
            case UInt8(ascii: "s"): stepper.execute("next segment")
            case UInt8(ascii: "c"): stepper.execute("next state")
            case UInt8(ascii: "a"): stepper.execute("next call")
            case UInt8(ascii: "t"): stepper.execute("next timer")
            case UInt8(ascii: "g"): stepper.execute("continue")
            case UInt8(ascii: "p"): stepper.execute("personality")
            case UInt8(ascii: "?"), UInt8(ascii: "h"): stepper.execute("help")
            case UInt8(ascii: ":"): commandLine = ""
            case UInt8(ascii: "q"), 3, 4: stepper.execute("quit")
            default: break
            }
        }
    }

    private func draw(commandLine: String?) {
        var rows: Int32 = 24
        var columns: Int32 = 80
        if ctun_terminal_size(1, &rows, &columns) != 0 || rows < 5 || columns < 20 { (rows, columns) = (24, 80) }
        let renderer = FrameRenderer(width: Int(columns), height: Int(rows)) { "\u{1B}[7m\($0)\u{1B}[27m" }
        let prompt = commandLine.map { ":" + $0 + "█" }
        let lines = renderer.render(stepper, prompt: prompt)
        var screen = "\u{1B}[H\u{1B}[2J"
        screen += lines.prefix(Int(rows)).joined(separator: "\u{1B}[K\n")
        write(screen)
    }

    private func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.write(1, $0.baseAddress, $0.count) }
            if count <= 0 { if errno == EINTR { continue } else { return } }
            offset += count
        }
        bytes.removeAll()
    }

    /// One byte from the terminal, or nil when a signal interrupted the read.
    private func readByte() -> UInt8? {
        var byte: UInt8 = 0
        let count = Glibc.read(0, &byte, 1)
        if count == 1 { return byte }
        if count == 0 { stepper.execute("quit") }
        return nil
    }
}
