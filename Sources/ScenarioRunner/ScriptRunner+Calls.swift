import Scenario
import SimClock
import Simulation
import TCPCore
import TCPSockets
import TCPWire

/// A call's outcome in both notations: the number FreeRTOS returns (`-128`) and, for a BSD-style failure,
/// the errno name.
struct CallOutcome: CustomStringConvertible {
    var value: Int64
    var errno: String?

    var description: String {
        guard let errno else { return String(value) }
        return "-1 \(errno) (-pdFREERTOS_ERRNO_\(errno))"
    }
}

/// Holds a call's outcome until its task finishes (the simulation runs on one thread).
final class OutcomeBox: @unchecked Sendable {
    var outcome: CallOutcome?
    var failure: String?
    /// When the call returned, in virtual time.
    var returnedAt: SimInstant?
}

/// A `start...end` call that is still blocked while the script's later steps run.
struct PendingCall {
    var call: CallSpec
    /// The call's script line (0: report failures at the current step's line).
    var line: Int
    var box: OutcomeBox
    var started: SimInstant
    var deadline: SimInstant
}

extension ScriptRunner {
    /// Runs a socket call on the device at the current instant; a blocking call may return up to `deadline`.
    func perform(_ call: CallSpec, returnsBy deadline: SimInstant) throws {
        try finish(start(call, returnsBy: deadline, blocking: false, line: 0))
    }

    /// Starts a call as a task on the device; `finish` waits for it. Between the two, the script's later
    /// steps run while the call blocks (packetdrill's `start...end` calls).
    func start(_ call: CallSpec, returnsBy deadline: SimInstant, blocking: Bool, line: Int) -> PendingCall {
        let box = OutcomeBox()
        let name = call.name.hasPrefix(CallSpec.freeRTOSPrefix)
            ? String(call.name.dropFirst(CallSpec.freeRTOSPrefix.count)) : call.name
        let arguments = call.arguments.map(substitutingDefines)
        let started = network.now
        device.spawn("call \(call.name)") { [self] in
            do {
                blockingCall = blocking
                box.outcome = try await execute(name.lowercased(), arguments)
            } catch let failure as Failure {
                box.failure = failure.message
            } catch {
                box.failure = "\(error)"
            }
            box.returnedAt = network.now
        }
        return PendingCall(call: call, line: line, box: box, started: started, deadline: deadline)
    }

    /// Waits for a started call to return and checks its result and timing.
    func finish(_ pending: PendingCall) throws {
        let (call, box, deadline) = (pending.call, pending.box, pending.deadline)
        let line = pending.line == 0 ? nil : pending.line
        let limit = deadline == .distantFuture ? pending.started + .seconds(3600) : deadline + tolerance
        network.run(until: { box.outcome != nil || box.failure != nil }, limit: limit)
        if let failure = box.failure { throw Failure(message: failure, line: line) }
        guard let outcome = box.outcome else {
            throw Failure(
                message: "\(call.name)(…) is still blocked at t=\(network.now); expected it to return by t=\(deadline)",
                line: line)
        }
        let returned = box.returnedAt ?? network.now
        now = max(now, returned)
        if let set = createdSet {
            createdSet = nil
            if case .symbol(let name) = call.result, !Self.knownSymbols.contains(name) {
                socketSets[name] = set
                return
            }
        }
        if returned + tolerance < deadline {
            throw Failure(
                message: "timing error: \(call.name)(…) returned at t=\(returned), expected at t=\(deadline) (± \(tolerance))",
                line: line)
        }
        guard matches(outcome, call.result) else {
            throw Failure(message: "\(call.name)(…) returned \(outcome), expected \(expectedText(call.result))", line: line)
        }
    }

    private func matches(_ outcome: CallOutcome, _ expected: CallResult) -> Bool {
        switch expected {
        case .any: return true
        case .value(let value): return outcome.errno == nil && outcome.value == value
        case .errno(_, let name, _): return Self.sameErrno(outcome.errno, name)
        case .freeRTOSError(let name): return Self.sameErrno(outcome.errno, name)
        case .symbol(let symbol):
            switch symbol {
            case "pdTRUE": return outcome.value == 1
            case "pdFALSE", "NULL": return outcome.value == 0
            case "FREERTOS_INVALID_SOCKET": return outcome.value == -1
            default:
                if let bits = Self.selectBits[symbol] { return outcome.errno == nil && outcome.value == bits }
                if let state = TCPState.named(symbol) { return outcome.value == Int64(state.rawValue) }
                return false
            }
        }
    }

    private func expectedText(_ result: CallResult) -> String {
        switch result {
        case .any: "..."
        case .value(let value): String(value)
        case .errno(let value, let name, _): "\(value) \(name)"
        case .freeRTOSError(let name): "-pdFREERTOS_ERRNO_\(name)"
        case .symbol(let symbol): symbol
        }
    }

    // MARK: - Arguments

    /// Errno names with the same value (`pdFREERTOS_ERRNO_EWOULDBLOCK` is `EAGAIN`, 11).
    static func sameErrno(_ actual: String?, _ expected: String) -> Bool {
        let aliases = ["EWOULDBLOCK": "EAGAIN"]
        guard let actual else { return false }
        return (aliases[actual] ?? actual) == (aliases[expected] ?? expected)
    }

    static let knownSymbols: Set<String> = ["pdTRUE", "pdFALSE", "NULL", "FREERTOS_INVALID_SOCKET"]

    /// `eSELECT_READ` … as their values.
    static let selectBits: [String: Int64] = [
        "eSELECT_READ": 1, "eSELECT_WRITE": 2, "eSELECT_EXCEPT": 4, "eSELECT_INTR": 8, "eSELECT_ALL": 15,
    ]

    /// `-D NAME=value`: an identifier argument named by a define becomes its value (a number when it reads as one).
    func substitutingDefines(_ argument: Argument) -> Argument {
        switch argument {
        case .identifier(let name):
            guard let value = script.defines[name] else { return argument }
            let text = value.trimmingWhitespace()
            if let number = Int64(text) { return .number(number) }
            if text.hasPrefix("0x") || text.hasPrefix("0X"), let number = Int64(text.dropFirst(2), radix: 16) {
                return .number(number)
            }
            if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 {
                return .string(Array(text.dropFirst().dropLast().utf8))
            }
            return .identifier(text)
        case .array(let items): return .array(items.map(substitutingDefines))
        case .bitwiseOr(let items): return .bitwiseOr(items.map(substitutingDefines))
        case .structure(let fields):
            return .structure(fields.map { field in
                var field = field
                field.value = substitutingDefines(field.value)
                return field
            })
        case .number, .any, .string: return argument
        }
    }

    /// A select mask: a number, an `eSELECT_…` name, or an `|` of them.
    private func selectMask(_ arguments: [Argument], _ index: Int) throws -> SelectEvents {
        func value(_ argument: Argument) throws -> Int64 {
            switch argument {
            case .number(let value): return value
            case .identifier(let name):
                guard let bits = Self.selectBits[name] else { throw Failure(message: "unknown select bit '\(name)'") }
                return bits
            case .bitwiseOr(let items): return try items.reduce(0) { $0 | (try value($1)) }
            default: throw Failure(message: "expected select bits (eSELECT_READ|eSELECT_EXCEPT) as argument \(index + 1)")
            }
        }
        guard index < arguments.count else { throw Failure(message: "expected select bits as argument \(index + 1)") }
        return SelectEvents(rawValue: UInt8(truncatingIfNeeded: try value(arguments[index]) & 0x0F))
    }

    /// A socket set: a name bound by `FreeRTOS_CreateSocketSet() = name`.
    private func socketSet(_ arguments: [Argument], _ index: Int) throws -> FreeRTOSSocketSet {
        guard index < arguments.count, case .identifier(let name) = arguments[index] else {
            throw Failure(message: "expected a socket set name as argument \(index + 1)")
        }
        guard let set = socketSets[name] else {
            throw Failure(message: "unknown socket set '\(name)' (bind one with FreeRTOS_CreateSocketSet() = \(name))")
        }
        return set
    }

    /// A block time in ms; `portMAX_DELAY` waits for ever.
    private func blockTime(_ arguments: [Argument], _ index: Int) -> BlockTime {
        if identifier(arguments, index) == "portMAX_DELAY" { return .forever }
        if index < arguments.count, case .array(let items) = arguments[index],
            case .identifier("portMAX_DELAY")? = items.first
        {
            return .forever
        }
        return .after(.milliseconds(Int(number(arguments, index) ?? 0)))
    }

    private func socketArgument(_ arguments: [Argument], _ index: Int = 0) throws -> SocketID {
        guard index < arguments.count, case .number(let value) = arguments[index] else {
            throw Failure(message: "expected a socket number as argument \(index + 1)")
        }
        return SocketID(Int(value))
    }

    private func number(_ arguments: [Argument], _ index: Int) -> Int64? {
        guard index < arguments.count else { return nil }
        switch arguments[index] {
        case .number(let value): return value
        case .array(let items): if case .number(let value)? = items.first { return value }
        case .identifier, .any, .string, .structure, .bitwiseOr: break
        }
        return nil
    }

    private func identifier(_ arguments: [Argument], _ index: Int) -> String? {
        guard index < arguments.count, case .identifier(let name) = arguments[index] else { return nil }
        return name
    }

    /// A FreeRTOS return value as an outcome: negative errno values carry their name.
    private func outcome(_ value: Int32) -> CallOutcome {
        if value < 0, let errno = FreeRTOSErrno(rawValue: -value) { return CallOutcome(value: -1, errno: errno.name) }
        return CallOutcome(value: Int64(value), errno: nil)
    }

    // MARK: - Calls

    private func execute(_ name: String, _ arguments: [Argument]) async throws -> CallOutcome {
        if personality == .freertos { return try await executeFreeRTOS(name, arguments) }
        return try await executeBSD(name, arguments)
    }

    private func executeFreeRTOS(_ name: String, _ arguments: [Argument]) async throws -> CallOutcome {
        switch name {
        case "socket":
            return CallOutcome(value: Int64(device.rtosSocket().rawValue), errno: nil)
        case "setsockopt":
            let socket = try socketArgument(arguments)
            let option = identifier(arguments, 2) ?? ""
            let value = number(arguments, 3) ?? 1
            switch option {
            case "FREERTOS_SO_REUSE_LISTEN_SOCKET", "SO_REUSEADDR":
                return outcome(device.rtosSetOption(socket, .reuseListenSocket(value != 0)))
            case "FREERTOS_SO_CLOSE_AFTER_SEND":
                return outcome(device.rtosSetOption(socket, .closeAfterSend(value != 0)))
            case "FREERTOS_SO_STOP_RX":
                return outcome(device.rtosSetOption(socket, .stopReceive(value != 0)))
            case "FREERTOS_SO_RCVTIMEO", "SO_RCVTIMEO":
                device.rtosSetTimeouts(socket, receive: blockTime(arguments, 3))
                return CallOutcome(value: 0, errno: nil)
            case "FREERTOS_SO_SNDTIMEO", "SO_SNDTIMEO":
                device.rtosSetTimeouts(socket, send: blockTime(arguments, 3))
                return CallOutcome(value: 0, errno: nil)
            case "FREERTOS_SO_SNDBUF", "SO_SNDBUF":
                return outcome(device.rtosSetOption(socket, .sendBuffer(Int(value))))
            case "FREERTOS_SO_RCVBUF", "SO_RCVBUF":
                return outcome(device.rtosSetOption(socket, .receiveBuffer(Int(value))))
            default:
                return CallOutcome(value: -1, errno: "ENOPROTOOPT")
            }
        case "bind":
            let socket = try socketArgument(arguments)
            let port = number(arguments, 2).map { UInt16(clamping: $0) } ?? Self.defaultLocalPort
            localPort = port
            return outcome(device.rtosBind(socket, port: port))
        case "listen":
            return outcome(device.rtosListen(try socketArgument(arguments), backlog: Int(number(arguments, 1) ?? 1)))
        case "accept":
            switch await device.rtosAccept(try socketArgument(arguments)) {
            case .accepted(let socket): return CallOutcome(value: Int64(socket.rawValue), errno: nil)
            case .nothing: return CallOutcome(value: -1, errno: "EAGAIN")
            case .invalid: return CallOutcome(value: -1, errno: "EINVAL")
            }
        case "connect":
            let socket = try socketArgument(arguments)
            let port = number(arguments, 2).map { UInt16(clamping: $0) } ?? Self.defaultRemotePort
            return outcome(await device.rtosConnect(socket, to: Endpoint(peer.address, port)))
        case "write", "send":
            let socket = try socketArgument(arguments)
            var bytes: [UInt8] = []
            if arguments.count > 1, case .string(let text) = arguments[1] { bytes = text }
            let length = Int(number(arguments, 2) ?? Int64(bytes.count))
            if bytes.count < length { bytes += Array(repeating: 0, count: length - bytes.count) }
            return outcome(await device.rtosSend(socket, Array(bytes.prefix(length)), dontWait: !blockingCall))
        case "read", "recv":
            let socket = try socketArgument(arguments)
            let (result, _) = await device.rtosRecv(
                socket, upTo: Int(number(arguments, 2) ?? 65536), dontWait: !blockingCall)
            return outcome(result)
        case "shutdown":
            return outcome(device.rtosShutdown(try socketArgument(arguments)))
        case "close", "closesocket":
            let result = device.rtosCloseSocket(try socketArgument(arguments))
            // BSD close() reports success as 0; FreeRTOS_closesocket() as 1.
            return CallOutcome(value: name == "close" && result == 1 ? 0 : Int64(result), errno: nil)
        case "createsocketset":
            let set = device.rtosCreateSocketSet()
            createdSet = set
            return CallOutcome(value: Int64(set.id), errno: nil)
        case "fd_set":
            device.rtosFDSet(try socketArgument(arguments), try socketSet(arguments, 1), try selectMask(arguments, 2))
            return CallOutcome(value: 0, errno: nil)
        case "fd_clr":
            device.rtosFDClear(try socketArgument(arguments), try socketSet(arguments, 1), try selectMask(arguments, 2))
            return CallOutcome(value: 0, errno: nil)
        case "fd_isset":
            let bits = device.rtosFDIsSet(try socketArgument(arguments), try socketSet(arguments, 1))
            return CallOutcome(value: Int64(bits.rawValue), errno: nil)
        case "select":
            let set = try socketSet(arguments, 0)
            let bits = await device.rtosSelect(set, timeout: blockTime(arguments, 1))
            return CallOutcome(value: Int64(bits.rawValue), errno: nil)
        case "connstatus":
            return CallOutcome(value: Int64(device.rtosConnectionStatus(try socketArgument(arguments))), errno: nil)
        case "issocketconnected":
            return CallOutcome(value: device.rtosIsConnected(try socketArgument(arguments)) ? 1 : 0, errno: nil)
        default:
            throw Failure(message: "unknown call '\(name)': expected one of socket, setsockopt, bind, listen, accept, connect, write, send, read, recv, shutdown, close, CreateSocketSet, FD_SET, FD_CLR, FD_ISSET, select or their FreeRTOS_ names")
        }
    }

    private func executeBSD(_ name: String, _ arguments: [Argument]) async throws -> CallOutcome {
        do {
            switch name {
            case "socket":
                return CallOutcome(value: Int64(device.socket().rawValue), errno: nil)
            case "setsockopt":
                return CallOutcome(value: 0, errno: nil)
            case "bind":
                let port = number(arguments, 2).map { UInt16(clamping: $0) } ?? Self.defaultLocalPort
                localPort = port
                try device.bind(try socketArgument(arguments), port: port)
            case "listen":
                try device.listen(try socketArgument(arguments), backlog: Int(number(arguments, 1) ?? 1))
            case "accept":
                let child = try await device.accept(try socketArgument(arguments))
                return CallOutcome(value: Int64(child.rawValue), errno: nil)
            case "connect":
                let port = number(arguments, 2).map { UInt16(clamping: $0) } ?? Self.defaultRemotePort
                try await device.connect(try socketArgument(arguments), to: Endpoint(peer.address, port))
            case "write", "send":
                let length = Int(number(arguments, 2) ?? 0)
                let sent = try await device.send(try socketArgument(arguments), Array(repeating: 0, count: length))
                return CallOutcome(value: Int64(sent), errno: nil)
            case "read", "recv":
                let bytes = try await device.recv(try socketArgument(arguments), upTo: Int(number(arguments, 2) ?? 65536))
                return CallOutcome(value: Int64(bytes.count), errno: nil)
            case "shutdown":
                try device.shutdown(try socketArgument(arguments))
            case "close":
                try device.close(try socketArgument(arguments))
            default:
                throw Failure(message: "unknown call '\(name)' for the RFC personality")
            }
            return CallOutcome(value: 0, errno: nil)
        } catch let error as SocketError {
            return CallOutcome(value: -1, errno: error.errnoName)
        }
    }
}
