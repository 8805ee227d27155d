import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What the live tests need: root (CAP_NET_ADMIN for namespaces and TUN), /dev/net/tun and iproute2.
/// CI runs as root; elsewhere these tests are skipped with this reason.
enum LiveEnvironment {
    static let available: Bool =
        geteuid() == 0 && FileManager.default.fileExists(atPath: "/dev/net/tun") && find("ip") != nil
    static let reason: Comment = "needs root, /dev/net/tun and iproute2 (network namespaces and TUN interfaces)"

    static func find(_ program: String) -> String? {
        for directory in ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin"] {
            let path = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// The `tcpsim` binary built beside the tests.
    static var tcpsim: String {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [products, products.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("tcpsim")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url.path }
        }
        return packageRoot + "/.build/debug/tcpsim"
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// A namespace name no other test or run uses.
    static func uniqueName(_ tag: String) -> String {
        "tsim-\(tag)-\(getpid() % 100_000)"
    }

    static func namespaceExists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: "/run/netns/\(name)")
    }
}

/// The outcome of a finished process.
struct Finished {
    var status: Int32
    var output: String
    var error: String
    var timedOut: Bool
}

/// A process whose output is collected as it arrives (thread-safe), with bounded waits.
final class Running: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var outputData = Data()
    private var errorData = Data()
    /// Output pipes that reached end of file (2 when everything the process wrote has been read).
    private var closedPipes = 0
    private let changed = DispatchSemaphore(value: 0)

    init(_ executable: String, _ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        collect(out) { $0.outputData.append($1) }
        collect(err) { $0.errorData.append($1) }
        process.terminationHandler = { [weak self] _ in self?.changed.signal() }
        try process.run()
    }

    /// Appends what arrives on `pipe` (under the lock) and wakes waiters.
    private func collect(_ pipe: Pipe, _ append: @escaping @Sendable (Running, Data) -> Void) {
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            if data.isEmpty { handle.readabilityHandler = nil }
            self.lock.withLock {
                append(self, data)
                if data.isEmpty { self.closedPipes += 1 }
            }
            self.changed.signal()
        }
    }

    var output: String { lock.withLock { String(decoding: outputData, as: UTF8.self) } }
    var error: String { lock.withLock { String(decoding: errorData, as: UTF8.self) } }

    /// Waits until `condition` holds on the output so far, the process ends, or `seconds` pass.
    @discardableResult
    func wait(for seconds: Double, until condition: (String) -> Bool) -> Bool {
        let deadline = DispatchTime.now() + seconds
        while true {
            if condition(output) { return true }
            if !process.isRunning { return condition(output) }
            if changed.wait(timeout: deadline) == .timedOut { return condition(output) }
        }
    }

    /// Waits for the process to end (at most `seconds`, then SIGKILL).
    func finish(within seconds: Double) -> Finished {
        let deadline = DispatchTime.now() + seconds
        var timedOut = false
        while process.isRunning {
            if changed.wait(timeout: deadline) == .timedOut {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
        process.waitUntilExit()
        // Everything it wrote: both pipes at end of file (bounded, in case a child still holds one open).
        let drained = DispatchTime.now() + 5
        while lock.withLock({ closedPipes < 2 }), changed.wait(timeout: drained) == .success {}
        return Finished(status: process.terminationStatus, output: output, error: error, timedOut: timedOut)
    }

    func signal(_ number: Int32) {
        if process.isRunning { kill(process.processIdentifier, number) }
    }
}

/// Runs a command to completion with a time bound.
func run(_ executable: String, _ arguments: [String], within seconds: Double = 30) throws -> Finished {
    try Running(executable, arguments).finish(within: seconds)
}

/// A `tcpsim device` in a namespace of its own, started and stopped by the test.
final class DeviceUnderTest {
    let namespace: String
    let running: Running

    /// Starts `tcpsim device --netns NAME ARGS…` and waits for its "ready" line.
    init(_ tag: String, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        namespace = LiveEnvironment.uniqueName(tag)
        if LiveEnvironment.namespaceExists(namespace) {
            _ = try run(LiveEnvironment.find("ip")!, ["netns", "del", namespace])
        }
        // --duration bounds the device even if the test never stops it.
        running = try Running(LiveEnvironment.tcpsim, ["device", "--netns", namespace, "--duration", "120"] + arguments)
        let ready = running.wait(for: 20) { $0.contains("\nready\n") }
        if !ready {
            running.signal(SIGKILL)
            let finished = running.finish(within: 5)
            if LiveEnvironment.namespaceExists(namespace) {
                _ = try? run(LiveEnvironment.find("ip")!, ["netns", "del", namespace])
            }
            Issue.record("device did not start: \(finished.error) \(finished.output)", sourceLocation: sourceLocation)
            throw CancellationError()
        }
    }

    /// Runs `ARGS…` inside the device's namespace (`ip netns exec`), bounded by `timeout`.
    func exec(_ arguments: [String], within seconds: Double = 30) throws -> Finished {
        try run(LiveEnvironment.find("ip")!, ["netns", "exec", namespace] + arguments, within: seconds)
    }

    /// Runs a Python 3 program inside the namespace.
    func python(_ program: String, _ arguments: [String] = [], within seconds: Double = 60) throws -> Finished {
        try exec(["python3", "-c", program] + arguments, within: seconds)
    }

    /// Stops the device with `signal` and returns what it printed. A device that had to be killed cannot remove
    /// its namespace; the test does (and the expectations on the output still fail).
    func stop(_ signal: Int32 = SIGTERM) -> Finished {
        running.signal(signal)
        let finished = running.finish(within: 15)
        if finished.timedOut, LiveEnvironment.namespaceExists(namespace) {
            _ = try? run(LiveEnvironment.find("ip")!, ["netns", "del", namespace])
        }
        return finished
    }
}
