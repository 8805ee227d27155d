import SimClock
import Simulation
import TCPCore
import TCPSockets
import TCPWire
import Testing

// The verbs the FreeRTOS suites share, on top of `DeviceBench` (Support.swift): the peer's handshake,
// device calls that block in virtual time, and segment checks. Everything is driven by real segments.

/// Holds what a device task produced (the simulation runs on one thread).
final class Box<Value>: @unchecked Sendable {
    var value: Value?
}

extension DeviceBench {
    /// The peer's side of a three-way handshake from `port`: SYN at `time`, the ACK 2 ms later.
    /// Returns the device's ISN (read from its SYN+ACK).
    @discardableResult
    func handshake(from port: UInt16 = 40001, to devicePort: UInt16 = 3301, seq: UInt32, at time: SimInstant,
                   sourceLocation: SourceLocation = #_sourceLocation) -> UInt32 {
        inject(at: time, Self.segment(from: port, to: devicePort, seq: seq, flags: .syn,
                                      options: [.maximumSegmentSize(1460)]))
        network.run(until: time + .milliseconds(1))
        guard let synAck = sent.last(where: { $0.segment.destinationPort == port && $0.segment.flags == [.syn, .ack] })
        else {
            Issue.record("no SYN+ACK to port \(port)", sourceLocation: sourceLocation)
            return 0
        }
        inject(at: time + .milliseconds(2), Self.segment(from: port, to: devicePort, seq: seq + 1,
                                                         ack: synAck.segment.seq.rawValue + 1, flags: .ack))
        network.run(until: time + .milliseconds(3))
        return synAck.segment.seq.rawValue
    }

    /// Segments the device sent to the peer's `port` (times are arrival times at the peer, 100 µs after
    /// the device sent them), optionally only those after `time`.
    func sent(to port: UInt16, after time: SimInstant = .zero) -> [(time: SimInstant, segment: TCPSegment)] {
        sent.filter { $0.segment.destinationPort == port && $0.time > time }
    }

    /// Runs a device call that does not block (RCVTIMEO 0, or a call that returns at once) and returns its
    /// result; nil if it blocked.
    func call<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T? {
        let box = Box<T>()
        device.spawn("call") { box.value = await body() }
        return box.value
    }

    /// Starts a device task now; when `body` returns, its text is logged (with the time) as
    /// "`label` `text`".
    func start(_ label: String, _ body: @escaping @Sendable () async -> String) {
        device.spawn(label) { [log, device] in
            let text = await body()
            log.add(device.now, "\(label) \(text)")
        }
    }

    /// A REUSE_LISTEN socket on `port` with RCVTIMEO 0 (accept and recv return at once), listening.
    func reuseListener(port: UInt16 = 3301) -> SocketID {
        let socket = device.rtosSocket()
        device.rtosSetOption(socket, .reuseListenSocket(true))
        device.rtosSetTimeouts(socket, receive: .zero)
        device.rtosBind(socket, port: port)
        device.rtosListen(socket, backlog: 1)
        return socket
    }

    /// A plain listener on `port` with RCVTIMEO 0.
    func listener(port: UInt16 = 3301, backlog: Int) -> SocketID {
        let socket = device.rtosSocket()
        device.rtosSetTimeouts(socket, receive: .zero)
        device.rtosBind(socket, port: port)
        device.rtosListen(socket, backlog: backlog)
        return socket
    }

    /// `FreeRTOS_accept()` with RCVTIMEO 0.
    func accept(_ socket: SocketID) -> FreeRTOSAcceptResult? {
        call { [device] in await device.rtosAccept(socket) }
    }

    /// `FreeRTOS_recv()` without waiting: the result and the bytes.
    func recv(_ socket: SocketID, upTo maximum: Int = 1024) -> Int32? {
        call { [device] in await device.rtosRecv(socket, upTo: maximum, dontWait: true).result }
    }

    /// `FreeRTOS_send()` without waiting.
    func send(_ socket: SocketID, _ text: String) -> Int32? {
        call { [device] in await device.rtosSend(socket, Array(text.utf8), dontWait: true) }
    }

    /// The transitions of `socket` as "from → to (cause)" lines, FreeRTOS names.
    func path(of socket: SocketID) -> [String] {
        transitions(of: socket).map { "\($0.from.freeRTOSName) → \($0.to.freeRTOSName) (\($0.cause))" }
    }

    /// The device's state for `socket`.
    func state(_ socket: SocketID) -> TCPState { device.stack.state(of: socket) }
}

/// Checks one segment field by field; a failure points at the caller's line.
func expectSegment(
    _ segment: TCPSegment?, _ flags: TCPFlags, seq: UInt32, ack: UInt32, window: UInt16? = nil, length: Int = 0,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard let segment else {
        Issue.record("expected \(flags) seq \(seq) ack \(ack), got nothing", sourceLocation: sourceLocation)
        return
    }
    #expect(segment.flags == flags, "\(segment.summary)", sourceLocation: sourceLocation)
    #expect(segment.seq.rawValue == seq, "\(segment.summary)", sourceLocation: sourceLocation)
    #expect(segment.ackNumber.rawValue == ack, "\(segment.summary)", sourceLocation: sourceLocation)
    if let window { #expect(segment.window == window, "\(segment.summary)", sourceLocation: sourceLocation) }
    #expect(segment.payload.count == length, "\(segment.summary)", sourceLocation: sourceLocation)
}

extension SimInstant {
    static func s(_ seconds: Int) -> SimInstant { .zero + .seconds(seconds) }
}
