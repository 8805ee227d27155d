import CAppShim
import Foundation

/// A request from the application's running task.
struct CRequest {
    var op: Int32
    var task: Int32
    var a0: Int64, a1: Int64, a2: Int64, a3: Int64, a4: Int64
    /// The request's bytes (a name, an item, data to send).
    var data: [UInt8]
}

/// What a task gets back from a request.
struct CReply {
    var ret: Int64 = 0
    var ret2: Int64 = 0
    var data: [UInt8] = []

    init(_ ret: Int64 = 0, _ ret2: Int64 = 0, data: [UInt8] = []) {
        self.ret = ret
        self.ret2 = ret2
        self.data = data
    }
}

/// Why the application could not be built, started or run, as the line the user sees.
public struct CAppFailure: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// How the application's process stopped answering while a task ran.
enum CAppStop: Error {
    /// It ended (exited or was killed by a signal; the wait status).
    case ended(status: Int32)
    /// It ran this much CPU without a request.
    case busy(milliseconds: Int64)
    /// It made no request for this long, without using the CPU (blocked outside FreeRTOS).
    case hung(seconds: Int64)
    /// tcpsim stopped it earlier.
    case stopped
}

/// The application's process and the shared channel to it (`tcpsim_channel.h`). Exactly one side runs at a
/// time: `exchange` resumes a task and waits until some task makes its next request.
final class CAppProcess {
    let path: String
    private let channel: UnsafeMutablePointer<tcpsim_channel>
    private let channelFD: Int32
    private let outputFD: Int32
    let pid: pid_t
    private(set) var ended = false
    /// Limits on one task's run between two requests (wall clock: an application that spins or hangs).
    var cpuLimitNanoseconds: Int64 = 1_000_000_000
    var wallLimitNanoseconds: Int64 = 10_000_000_000
    /// Asked every 100 ms while a task runs: true stops the application (a live device told to stop).
    var interruption: (() -> Bool)?
    private var pendingOutput: [UInt8] = []
    private var readBuffer = [UInt8](repeating: 0, count: 65536)

    init(path: String) throws {
        self.path = path
        var mapping: UnsafeMutablePointer<tcpsim_channel>?
        let fd = capp_channel_create(&mapping)
        guard fd >= 0, let mapping else {
            throw CAppFailure(description: "cannot create the channel to the application: \(String(cString: strerror(errno)))")
        }
        var pipe: [Int32] = [-1, -1]
        guard capp_output_pipe(&pipe) == 0 else {
            capp_channel_destroy(mapping, fd)
            throw CAppFailure(description: "cannot create a pipe for the application's output: \(String(cString: strerror(errno)))")
        }
        let pid = capp_spawn(path, fd, pipe[1])
        close(pipe[1])
        guard pid > 0 else {
            let reason = String(cString: strerror(errno))
            close(pipe[0])
            capp_channel_destroy(mapping, fd)
            throw CAppFailure(description: "cannot start '\(path)': \(reason)")
        }
        channel = mapping
        channelFD = fd
        outputFD = pipe[0]
        self.pid = pid
    }

    deinit {
        stop()
        close(outputFD)
        capp_channel_destroy(channel, channelFD)
    }

    /// Waits for the first request (from `main()`), which the process makes without being resumed.
    func firstRequest() throws(CAppStop) -> CRequest {
        try waitForRequest()
        return request()
    }

    /// Resumes `task` with `reply` and returns the next request, whichever task makes it.
    func exchange(resume task: Int32, with reply: CReply) throws(CAppStop) -> CRequest {
        guard !ended else { throw .stopped }
        channel.pointee.cmd = TCPSIM_CMD_RESUME
        channel.pointee.target = task
        channel.pointee.ret = reply.ret
        channel.pointee.ret2 = reply.ret2
        let count = min(reply.data.count, Int(TCPSIM_CHANNEL_DATA_MAX))
        if count > 0 {
            reply.data.withUnsafeBytes { bytes in
                UnsafeMutableRawPointer(capp_channel_data(channel)).copyMemory(from: bytes.baseAddress!, byteCount: count)  // invariant: count > 0
            }
        }
        channel.pointee.rlen = UInt32(count)
        capp_give_turn(channel)
        try waitForRequest()
        return request()
    }

    private func request() -> CRequest {
        let length = min(Int(channel.pointee.len), Int(TCPSIM_CHANNEL_DATA_MAX))
        let data = length == 0 ? [] : Array(UnsafeBufferPointer(start: capp_channel_data(channel), count: length))
        let arguments = channel.pointee.arg
        return CRequest(op: channel.pointee.op, task: channel.pointee.task, a0: arguments.0, a1: arguments.1,
                        a2: arguments.2, a3: arguments.3, a4: arguments.4, data: data)
    }

    /// Waits for the turn; a process that dies, spins or hangs is a `CAppStop` (the caller names the task).
    private func waitForRequest() throws(CAppStop) {
        if capp_wait_turn(channel, 20_000, 100_000_000) == 1 { return }
        let start = capp_monotonic_ns()
        var cpuStart: Int64 = -1
        while true {
            if capp_wait_turn(channel, 0, 100_000_000) == 1 { return }
            drainOutput()  // an application blocked writing a full pipe continues
            if interruption?() == true {
                collectOutputBeforeKill()
                kill()
                throw .stopped
            }
            var status: Int32 = 0
            if capp_child_ended(pid, &status) != 0 {
                ended = true
                throw .ended(status: status)
            }
            let cpu = capp_child_cpu_ns(pid)
            if cpuStart < 0 { cpuStart = cpu - 100_000_000 }
            if cpu >= 0 && cpu - cpuStart >= cpuLimitNanoseconds {
                collectOutputBeforeKill()
                kill()
                throw .busy(milliseconds: (cpu - cpuStart) / 1_000_000)
            }
            if capp_monotonic_ns() - start >= wallLimitNanoseconds {
                collectOutputBeforeKill()
                kill()
                throw .hung(seconds: wallLimitNanoseconds / 1_000_000_000)
            }
        }
    }

    /// The fault the process reported before it died, if any: (kind, task, text, signal, address).
    var fault: (kind: Int32, task: Int32, text: String, signal: Int32, address: UInt64)? {
        let kind = channel.pointee.fault_kind
        guard kind != 0 else { return nil }
        let text = String(cString: capp_fault_text(channel))
        return (kind, channel.pointee.fault_task, text, channel.pointee.fault_signal, channel.pointee.fault_address)
    }

    /// No task will run until an event wakes one: the application may sleep rather than spin.
    func hintIdle() { capp_set_idle(channel) }

    /// Output the application printed since the last call: complete lines only (the rest waits). Reads only
    /// when the application marked that it wrote (or `final`).
    func readOutputLines(final: Bool = false) -> [String] {
        guard capp_take_output_pending(channel) == 1 || final || !pendingOutput.isEmpty else { return [] }
        drainOutput()
        var lines: [String] = []
        while let newline = pendingOutput.firstIndex(of: UInt8(ascii: "\n")) {
            lines.append(String(decoding: pendingOutput[..<newline], as: UTF8.self))
            pendingOutput.removeSubrange(...newline)
        }
        if final && !pendingOutput.isEmpty {
            lines.append(String(decoding: pendingOutput, as: UTF8.self))
            pendingOutput.removeAll()
        }
        return lines
    }

    /// Moves what waits in the pipe into `pendingOutput` (bounded: an application that prints without end
    /// keeps its last 16 MiB).
    private func drainOutput() {
        while true {
            let count = readBuffer.withUnsafeMutableBytes { read(outputFD, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            pendingOutput += readBuffer[0..<count]
            if pendingOutput.count > 16 << 20 { pendingOutput.removeFirst(pendingOutput.count - (16 << 20)) }
        }
    }

    /// Ends the process: asks it to exit when it waits for a command, kills it otherwise.
    func stop() {
        guard !ended else { return }
        ended = true
        var status: Int32 = 0
        if capp_turn_is_host(channel) == 1 {
            channel.pointee.cmd = TCPSIM_CMD_EXIT
            capp_give_turn(channel)
            if capp_wait_exit(pid, 200_000_000, &status) == 1 { return }
        }
        _ = capp_kill(pid)
    }

    /// Asks the spinning application to flush what it printed (SIGUSR1) and takes it, before SIGKILL.
    private func collectOutputBeforeKill() {
        _ = Glibc.kill(pid, SIGUSR1)
        var pause = timespec(tv_sec: 0, tv_nsec: 50_000_000)
        nanosleep(&pause, nil)
        drainOutput()
    }

    private func kill() {
        ended = true
        _ = capp_kill(pid)
    }
}

func signalName(_ number: Int32) -> String {
    switch number {
    case SIGSEGV: "SIGSEGV"
    case SIGBUS: "SIGBUS"
    case SIGFPE: "SIGFPE"
    case SIGILL: "SIGILL"
    case SIGABRT: "SIGABRT"
    case SIGKILL: "SIGKILL"
    case SIGTERM: "SIGTERM"
    case SIGPIPE: "SIGPIPE"
    default: "signal \(number)"
    }
}
