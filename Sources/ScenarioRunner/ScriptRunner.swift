/// ScenarioRunner — runs a parsed scenario script (`Scenario`) against a simulated device in virtual time,
/// packetdrill-style: `<` lines are injected from a scripted remote peer, `>` lines must be what the device
/// sends, calls run on the device with FreeRTOS's (or the RFC stack's) return values, `%{ }%` assertions
/// are evaluated on the model at that instant. The first expectation that fails ends the run.
import IPConfig
import Scenario
import SimClock
import Simulation
import TCPCore
import TCPSockets
import TCPWire

/// How a run ended.
public struct ScriptReport: Sendable {
    /// The first failure, packetdrill-style (`file:line: error handling packet: …`), followed by what the
    /// model was doing then; nil when every expectation held.
    public var failure: String?
    /// Steps that ran to completion.
    public var stepsCompleted: Int
    public var passed: Bool { failure == nil }
}

/// Runs one script. Addresses: the device is 192.0.2.2, the remote peer 192.0.2.1 (port 40000 unless a
/// packet names `port N`); a `bind(…, ...)` without a port binds 8080, as in packetdrill.
public final class ScriptRunner: @unchecked Sendable {
    public static let deviceAddress = IPv4Address(192, 0, 2, 2)
    public static let peerAddress = IPv4Address(192, 0, 2, 1)
    public static let defaultRemotePort: UInt16 = 40000
    public static let defaultLocalPort: UInt16 = 8080

    public let script: Script
    public let file: String
    public let network: Network
    public let device: Host
    public let peer: Host
    let personality: Scenario.Personality
    let tolerance: SimDuration

    var now: SimInstant = .zero
    var consumed = 0
    var localPort = ScriptRunner.defaultLocalPort
    /// Per remote port: the device's real ISN and the sequence number the script gave it (usually 0).
    var deviceISN: [UInt16: (real: SeqNumber, script: SeqNumber)] = [:]
    /// Per remote port: the device's local port of an active open (learned from its SYN), so `<` lines reach
    /// a `connect()`ing socket on its ephemeral port instead of the bound port.
    var connectingPort: [UInt16: UInt16] = [:]
    /// Socket sets bound by `FreeRTOS_CreateSocketSet() = name`.
    var socketSets: [String: FreeRTOSSocketSet] = [:]
    /// The set made by the running `FreeRTOS_CreateSocketSet()` call, bound to its result name afterwards.
    var createdSet: FreeRTOSSocketSet?
    /// The running call was written `start...end`: recv/send honour RCVTIMEO/SNDTIMEO instead of not waiting.
    var blockingCall = false
    /// A `start...end` call that has not returned yet; later steps before its end run meanwhile.
    var pendingCall: PendingCall?
    /// Whether packets the device sends must match `>` lines (not when the script only drives an app).
    var checksOutbound = true
    /// Steps due after this instant are not run (a replay looking at the model at one instant).
    public var endTime: SimInstant?
    /// Starts the user's C application on the device (`--c-app`); `--device_app=c:PORT` in the script names the
    /// port its scripted segments go to.
    public var startCApp: ExternalAppStarter?
    /// The external app once started (stopped when the run ends).
    var externalApp: ExternalApp?
    /// The ports the built-in device apps serve, and which app serves each.
    var devicePorts: [UInt16: String] = [:]

    struct Failure: Error {
        var message: String
        /// The script line to blame when it is not the current step's (a blocking call finished later).
        var line: Int? = nil
    }

    /// `config` resolves `--config=FILE` (the CLI reads files; tests pass headers in memory).
    /// `defaultPersonality` applies when the script has no `--personality` option (plain packetdrill scripts).
    /// `deviceConfig`, when given, configures the device instead of the script's `--config` (a C application's
    /// own FreeRTOSIPConfig.h).
    public init(script: Script, file: String, config: ((String) throws -> IPConfig)? = nil,
                defaultPersonality: Scenario.Personality = .freertos, deviceConfig: IPConfig? = nil) throws {
        self.script = script
        self.file = file
        var personality = defaultPersonality
        var seed: UInt64 = 1
        var toleranceMicros: Int64 = 4000
        var ipConfig = IPConfig.defaults
        for option in script.options {
            switch option {
            case .personality(let value): personality = value
            case .seed(let value): seed = value
            case .deviceApp, .peerApp: break  // started by `startApps()`
            case .toleranceMicroseconds(let value): toleranceMicros = value
            case .config(let path):
                guard let config else { throw RunnerError("\(file): --config=\(path) needs a configuration reader") }
                ipConfig = try config(path)
            }
        }
        if let deviceConfig { ipConfig = deviceConfig }
        self.personality = personality
        tolerance = .microseconds(Int(toleranceMicros))
        network = Network(seed: seed)
        let parameters: TCPParameters = personality == .freertos ? .freeRTOS(config: ipConfig) : .rfc9293
        device = network.addHost("device", address: Self.deviceAddress, parameters: parameters)
        peer = network.addHost("peer", address: Self.peerAddress)
        peer.isScripted = true
        network.connect(peer, device, delay: .zero)
    }

    /// A script of calls and assertions only (a replay's `--actions`), run against `device` in an existing
    /// simulation: the device's packets are not checked, and `peer` is only where `connect()` goes.
    public init(actions script: Script, file: String, network: Network, device: Host, peer: Host) throws {
        if let packet = script.steps.first(where: {
            if case .inbound = $0.kind { return true }
            if case .outbound = $0.kind { return true }
            return false
        }) {
            throw RunnerError("\(file):\(packet.location.line): an actions file holds calls and assertions, found a packet")
        }
        self.script = script
        self.file = file
        self.network = network
        self.device = device
        self.peer = peer
        personality = .freertos
        var toleranceMicros: Int64 = 4000
        for case .toleranceMicroseconds(let value) in script.options { toleranceMicros = value }
        tolerance = .microseconds(Int(toleranceMicros))
        checksOutbound = false
    }

    /// Runs every step; returns the report (never throws on a failing expectation).
    public func run() -> ScriptReport {
        defer { externalApp?.stop() }
        do throws(ScenarioError) {
            try script.checkTimesGoForward(file: file)
        } catch {
            return ScriptReport(failure: error.description, stepsCompleted: 0)
        }
        var completed = 0
        do {
            try startApps()
            if let startCApp, externalApp == nil { externalApp = try startCApp(device) }
        } catch {
            return ScriptReport(failure: "\(error)", stepsCompleted: 0)
        }
        for step in script.steps {
            if let endTime, times(of: step).0 > endTime { break }
            do {
                try perform(step)
                if let reason = network.haltReason {
                    return ScriptReport(failure: reason, stepsCompleted: completed)
                }
                completed += 1
            } catch let failure as Failure {
                // An application that stopped the run explains the failure better than the step it broke.
                if let reason = network.haltReason { return ScriptReport(failure: reason, stepsCompleted: completed) }
                return ScriptReport(failure: "\(file):\(failure.line ?? step.location.line): \(failure.message)\n\(context())",
                                    stepsCompleted: completed)
            } catch {
                if let reason = network.haltReason { return ScriptReport(failure: reason, stepsCompleted: completed) }
                return ScriptReport(failure: "\(file):\(step.location.line): \(error)", stepsCompleted: completed)
            }
        }
        if let pending = pendingCall {
            pendingCall = nil
            do {
                try finish(pending)
            } catch let failure as Failure {
                return ScriptReport(failure: "\(file):\(failure.line ?? pending.line): \(failure.message)\n\(context())",
                                    stepsCompleted: completed)
            } catch {
                return ScriptReport(failure: "\(file):\(pending.line): \(error)", stepsCompleted: completed)
            }
        }
        if let reason = network.haltReason { return ScriptReport(failure: reason, stepsCompleted: completed) }
        return ScriptReport(failure: nil, stepsCompleted: completed)
    }

    // MARK: - Steps

    private func perform(_ step: Step) throws {
        let (start, end) = times(of: step)
        if let pending = pendingCall, start > pending.deadline {
            pendingCall = nil
            try finish(pending)
        }
        switch step.kind {
        case .inbound(let packet):
            try advance(to: start)
            try inject(packet)
        case .outbound(let packet):
            try expect(packet, earliest: start, latest: end)
        case .call(let call):
            try advance(to: start)
            guard case .blocking = step.time else {
                try finish(self.start(call, returnsBy: end, blocking: false, line: step.location.line))
                return
            }
            if let pending = pendingCall {
                throw Failure(message: "\(call.name)(…) starts while \(pending.call.name)(…) (line \(pending.line)) is still blocked")
            }
            let pending = self.start(call, returnsBy: end, blocking: true, line: step.location.line)
            if end > start { pendingCall = pending } else { try finish(pending) }
        case .assertion(let text):
            try advance(to: start)
            try evaluateAssertion(text)
        }
    }

    /// The step's earliest and latest times (equal except for ranges, `*` and blocking calls).
    private func times(of step: Step) -> (SimInstant, SimInstant) {
        func resolve(_ offset: TimeOffset, from base: SimInstant) -> SimInstant {
            offset.isRelative ? base + offset.duration : .zero + offset.duration
        }
        switch step.time {
        case .absolute(let duration): return (.zero + duration, .zero + duration)
        case .relative(let duration): return (now + duration, now + duration)
        case .range(let low, let high):
            let start = resolve(low, from: now)
            return (start, resolve(high, from: now))
        case .any: return (now, .distantFuture)
        case .blocking(let start, let end):
            let begin = resolve(start, from: now)
            return (begin, resolve(end, from: begin))
        }
    }

    /// Runs the network up to `time`, failing if the device sent something no `>` line expected.
    private func advance(to time: SimInstant) throws {
        if time > network.now { network.run(until: time) }
        now = max(now, time)
        if checksOutbound, let extra = unconsumed.first, extra.time + tolerance < now {
            throw Failure(message: "error handling packet: unexpected outbound packet \(describe(relative(extra.packet))) at t=\(extra.time)")
        }
    }

    private var unconsumed: ArraySlice<(time: SimInstant, packet: TCPPacket)> { peer.received.dropFirst(consumed) }

    // MARK: - Packets

    private func inject(_ spec: PacketSpec) throws {
        let remotePort = spec.endpoint?.port ?? Self.defaultRemotePort
        var ack = spec.ack ?? SeqNumber(0)
        if let mapping = deviceISN[remotePort], spec.ack != nil { ack = mapping.real + (ack - mapping.script) }
        var flags = spec.flags
        if spec.ack != nil { flags.insert(.ack) }
        let payload = spec.payload ?? Array(repeating: 0, count: Int(spec.sequence.length))
        var options: [TCPOption] = []
        if case .exactly(let list) = spec.options { options = list }
        let segment = TCPSegment(
            sourcePort: remotePort, destinationPort: connectingPort[remotePort] ?? localPort, seq: spec.sequence.start, ackNumber: ack,
            flags: flags, window: spec.window ?? 65535, options: options, payload: payload[...])
        peer.inject(segment, to: Self.deviceAddress)
        network.run(until: network.now)
    }

    private func expect(_ spec: PacketSpec, earliest: SimInstant, latest: SimInstant) throws {
        let deadline = latest == .distantFuture ? network.now + .seconds(3600) : latest + tolerance
        network.run(until: { [self] in !unconsumed.isEmpty }, limit: deadline)
        guard let (time, packet) = unconsumed.first else {
            throw Failure(message: "error handling packet: expected \(describe(spec)) by t=\(latest), but the device sent nothing")
        }
        consumed += 1
        now = max(now, time)
        if time + tolerance < earliest {
            throw Failure(message: "error handling packet: timing error: expected \(describe(spec)) at t=\(earliest) (± \(tolerance)), sent at t=\(time)")
        }
        try compare(spec, packet)
    }

    private func compare(_ spec: PacketSpec, _ packet: TCPPacket) throws {
        let tcp = packet.tcp
        let remotePort = tcp.destinationPort
        if tcp.flags.contains(.syn) { deviceISN[remotePort] = (tcp.seq, spec.sequence.start) }
        if tcp.flags.contains(.syn) && !tcp.flags.contains(.ack) { connectingPort[remotePort] = tcp.sourcePort }
        let mapping = deviceISN[remotePort] ?? (tcp.seq, tcp.seq)
        let relativeSeq = mapping.script + (tcp.seq - mapping.real)
        var problems: [String] = []
        let actualFlags = tcp.flags.intersection([.fin, .syn, .rst, .psh, .ack, .urg])
        var expectedFlags = spec.flags
        if spec.ack != nil { expectedFlags.insert(.ack) }
        if actualFlags != expectedFlags { problems.append("flags") }
        if relativeSeq != spec.sequence.start { problems.append("seq") }
        if tcp.payload.count != Int(spec.sequence.length) { problems.append("length") }
        if let ack = spec.ack, tcp.ackNumber != ack { problems.append("ack") }
        if let window = spec.window, tcp.window != window { problems.append("win") }
        if let payload = spec.payload, Array(tcp.payload) != payload { problems.append("payload") }
        switch spec.options {
        case .exactly(let list)?: if tcp.options != list { problems.append("options") }
        case .startingWith(let list)?: if !tcp.options.starts(with: list) { problems.append("options") }
        case .any?, nil: break
        }
        if let port = spec.endpoint?.port, port != remotePort { problems.append("port") }
        guard problems.isEmpty else {
            var actual = tcp
            actual.seq = relativeSeq
            throw Failure(message: "error handling packet: expected \(describe(spec)) vs actual \(describe(actual)) (differs in \(problems.joined(separator: ", ")))")
        }
    }

    // MARK: - Describing

    func describe(_ spec: PacketSpec) -> String {
        var text = "\(spec.flags == [] ? "-" : "\(spec.flags)") \(spec.sequence.start):\(spec.sequence.end)(\(spec.sequence.length))"
        if let ack = spec.ack { text += " ack \(ack)" }
        if let window = spec.window { text += " win \(window)" }
        return text
    }

    func describe(_ segment: TCPSegment) -> String {
        var text = "\(segment.flags) \(segment.seq):\(segment.seq + segment.payload.count)(\(segment.payload.count))"
        if segment.flags.contains(.ack) { text += " ack \(segment.ackNumber)" }
        text += " win \(segment.window)"
        if !segment.options.isEmpty { text += " <" + segment.options.map(\.description).joined(separator: ",") + ">" }
        return text
    }

    func describe(_ packet: TCPPacket) -> String { describe(packet.tcp) }

    /// The device's segment with its sequence number as the script counts it (relative to the SYN it matched).
    func relative(_ packet: TCPPacket) -> TCPSegment {
        var segment = packet.tcp
        if let mapping = deviceISN[segment.destinationPort] { segment.seq = mapping.script + (segment.seq - mapping.real) }
        return segment
    }

    /// What the model was doing: every device socket and its pending timer.
    func context() -> String {
        let lines = personality == .freertos ? device.rtosNetstat() : device.stack.netstat().map(\.description)
        var formatter = TimelineFormatter()
        let formatted = network.trace.map { formatter.format($0) }  // whole trace: sequence numbers stay relative
        let recent = formatted.suffix(6).map { "    " + $0.trimmingWhitespace() }
        return (["  at t=\(network.now): device sockets:"] + lines.map { "    " + $0 }
            + (recent.isEmpty ? [] : ["  last events:"] + recent)).joined(separator: "\n")
    }
}

/// A problem with the script as a whole (not an expectation of the run).
public struct RunnerError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
