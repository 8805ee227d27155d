import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `tcpsim step` as a user runs it: scripted with plain frames, and full-screen under tmux.
@Suite("tcpsim step", .serialized)
struct StepCommandTests {
    static var tcpsim: String {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [products, products.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("tcpsim")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url.path }
        }
        return Fixtures.root + "/.build/debug/tcpsim"
    }

    /// Runs a program to its end; `detached` gives it no pipes (a daemon such as the tmux server would keep them
    /// open).
    static func run(_ executable: String, _ arguments: [String], input: String? = nil, detached: Bool = false) throws
        -> (status: Int32, output: String, error: String)
    {
        if detached {
            // posix_spawn with every descriptor above 2 closed: a daemon (the tmux server) must not inherit
            // Foundation's own descriptors, or waiting for the client would wait for the daemon.
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
            for fd in open.compactMap(Int32.init) where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
            let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
            defer { for pointer in argv { free(pointer) } }
            var pid = pid_t()
            guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else { return (127, "", "spawn failed") }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return ((status >> 8) & 0xFF, "", "")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: Fixtures.root)
        let out = Pipe()
        let err = Pipe()
        let stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
    }

    /// Frames are separated by `── > COMMAND` lines; the frame after `command`.
    private func frame(after command: String, in output: String) -> String {
        guard let start = output.range(of: "── > \(command)\n") else { return "" }
        let rest = output[start.upperBound...]
        let end = rest.range(of: "── > ")?.lowerBound ?? rest.endIndex
        return String(rest[..<end])
    }

    @Test func scriptedCommandsPrintAFrameAfterEachCommand() throws {
        let commands = "next segment\nbreak state 3 eCLOSE_WAIT\ncontinue\nback\nquit\nstep\n"
        let result = try Self.run(Self.tcpsim, ["step", "stall", "--plain", "--width", "120", "--height", "45"], input: commands)
        #expect(result.status == 0, "\(result.error)")
        let first = frame(after: "next segment", in: result.output)
        #expect(first.contains("▸ 1.000000  host       > device   192.0.2.1."))
        let stopped = frame(after: "continue", in: result.output)
        #expect(stopped.hasPrefix("tcpsim step — the shutdown stall (report) — FreeRTOS+TCP — event "))
        #expect(stopped.contains("t=41.999000"))
        #expect(stopped.contains("▸ 41.999000  device     #3 eFIN_WAIT_1 → eCLOSE_WAIT"))
        #expect(stopped.contains("▶CLOSE_WAIT◀"))
        #expect(stopped.contains("last: eFIN_WAIT_1 → eCLOSE_WAIT at 41.999000 (hang protection, ipconfigTCP_HANG_PROTECTION_TIME=30 s"))
        #expect(stopped.contains("breakpoint state 3 eCLOSE_WAIT at event "))
        let before = frame(after: "back", in: result.output)
        #expect(before.contains("▶FIN_WAIT_1◀"))
        // quit ends the session: the step after it is not run.
        #expect(!result.output.contains("── > step\n"))
    }

    @Test func aCommandsFileAndAScriptSource() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tcpsim-step-\(getpid()).txt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "until state 4 eCLOSE_WAIT\n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try Self.run(Self.tcpsim, ["step", "Fixtures/scenarios/passive-close.pkt", "--commands", path])
        #expect(result.status == 0, "\(result.error)")
        let frame = frame(after: "until state 4 eCLOSE_WAIT", in: result.output)
        #expect(frame.contains("#4 eLAST_ACK → eCLOSE_WAIT"))
        #expect(frame.contains("▶CLOSE_WAIT◀"))
    }

    @Test func aCaptureIsSteppedThroughItsReplay() throws {
        let result = try Self.run(Self.tcpsim, ["step", "pcaps/S3b-stall-no-app-timeout.pcap", "--config",
                                                "Fixtures/configs/terminal-server.h", "--plain"],
                                  input: "until state 3 eCLOSE_WAIT\npersonality\n")
        #expect(result.status == 0, "\(result.error)")
        let frame = frame(after: "until state 3 eCLOSE_WAIT", in: result.output)
        #expect(frame.hasPrefix("tcpsim step — replay of pcaps/S3b-stall-no-app-timeout.pcap — FreeRTOS+TCP"))
        #expect(frame.contains("▸ 40.999000  device     #3 eFIN_WAIT_1 → eCLOSE_WAIT"))
        #expect(frame.contains("peer       > device   192.0.2.1."))
        #expect(self.frame(after: "personality", in: result.output).contains("a replay models the captured FreeRTOS+TCP device"))
    }

    @Test(arguments: [
        (["step", "stall:slow"], "stall: expected a variant (report, capped, fix-a, fix-b, backlog2), found 'slow'"),
        (["step", "missing.pkt"], "cannot read 'missing.pkt'"),
        (["step", "stall", "--personality", "lwip"], "--personality expects freertos or rfc, found 'lwip'"),
    ])
    func badSourcesAreOneLineErrors(arguments: [String], message: String) throws {
        let result = try Self.run(Self.tcpsim, arguments, input: "")
        #expect(result.status != 0)
        #expect(result.error.contains(message), "\(result.error)")
    }

    @Test func aBrokenScriptIsReportedWithFileLineAndColumn() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tcpsim-step-bad-\(getpid()).pkt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "0 socket(..., SOCK_STREAM\n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try Self.run(Self.tcpsim, ["step", path], input: "")
        #expect(result.status != 0)
        #expect(result.error.contains("\(path):1:"), "\(result.error)")
    }

    static let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The full-screen view driven as a person would, through tmux: open the stall, run `until state … eCLOSE_WAIT`,
    /// read the screen, quit, and check the terminal is back (no alternate screen, cursor shown).
    @Test(.enabled(if: tmux != nil, "needs tmux (scripts/setup.sh installs it)"))
    func theFullScreenViewUnderTmux() throws {
        let tmux = Self.tmux!
        let session = "tcpsim-step-\(getpid())"
        let socket = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(getpid())").path
        func tmuxRun(_ arguments: [String]) throws -> String { try Self.run(tmux, ["-S", socket] + arguments).output }
        defer {
            _ = try? Self.run(tmux, ["-S", socket, "kill-session", "-t", session], detached: true)
            _ = try? Self.run(tmux, ["-S", socket, "kill-server"], detached: true)
            try? FileManager.default.removeItem(atPath: socket)
        }
        _ = try Self.run(tmux, ["-S", socket, "new-session", "-d", "-s", session, "-x", "100", "-y", "30",
                                "\(Self.tcpsim) step stall; echo STEP-EXITED $?; sleep 3"], detached: true)
        func screen() throws -> String { try tmuxRun(["capture-pane", "-p", "-t", session]) }
        func waitFor(_ text: String, seconds: Double = 20) throws -> String {
            let deadline = Date().addingTimeInterval(seconds)
            var last = ""
            while Date() < deadline {
                last = try screen()
                if last.contains(text) { return last }
                usleep(50_000)
            }
            Issue.record("'\(text)' never appeared; the screen was:\n\(last)")
            return last
        }
        let opened = try waitFor("events recorded; ? for help")
        #expect(opened.contains("tcpsim step — the shutdown stall (report) — FreeRTOS+TCP — event 0/"))
        #expect(try tmuxRun(["display-message", "-p", "-t", session, "#{alternate_on}"]).hasPrefix("1"))
        _ = try tmuxRun(["send-keys", "-t", session, ":until state 3 eCLOSE_WAIT", "Enter"])
        let stopped = try waitFor("state 3 eCLOSE_WAIT at event")
        #expect(stopped.contains("t=41.999000"))
        #expect(stopped.contains("CLOSE_WAIT"))
        #expect(stopped.contains("hang protection"))
        #expect(stopped.split(separator: "\n").allSatisfy { $0.count <= 100 })
        _ = try tmuxRun(["resize-window", "-t", session, "-x", "80", "-y", "24"])
        let small = try waitFor("state 3 eCLOSE_WAIT at event")
        #expect(small.split(separator: "\n").allSatisfy { $0.count <= 80 })
        _ = try tmuxRun(["send-keys", "-t", session, "q"])
        let exited = try waitFor("STEP-EXITED 0")
        #expect(!exited.contains("tcpsim step — the shutdown stall"), "the frame is gone with the alternate screen")
        #expect(try tmuxRun(["display-message", "-p", "-t", session, "#{alternate_on} #{cursor_flag}"]).hasPrefix("0 1"))
    }
}
