import Scenario
import SimClock
import Simulation
import TCPCore
import TCPSockets

/// The value of an assertion operand.
enum AssertionValue: Equatable, CustomStringConvertible {
    case integer(Int64)
    case state(TCPState)
    case boolean(Bool)

    var description: String {
        switch self {
        case .integer(let value): String(value)
        case .state(let state): state.freeRTOSName
        case .boolean(let value): String(value)
        }
    }
}

/// `%{ assert state(3) == eFIN_WAIT_1 and flags(3).finAcked }%`: a small expression language evaluated on the
/// device's sockets at that instant. Operands: numbers, state names, `true`/`false`, and `state(N)`,
/// `flags(N).bFinAcked` (also `finAcked`, `finSent`, `finRecv`, `finLast`, `userShutdown`), `usChildCount(N)`,
/// `usBacklog(N)`, `rx(N)`, `tx(N)`, `timeout(N)` (ticks), `connected(N)`, `select(N)` (the socket's select bits
/// for its interest mask, as a number: READ 1, WRITE 2, EXCEPT 4; `eSELECT_READ` … may be written); operators `== != < <= > >=`,
/// `not`, `and`, `or`, parentheses.
struct AssertionEvaluator {
    let tokens: [String]
    var position = 0
    let runner: ScriptRunner
    /// Every model value the expression read, for the failure message (`state(4) = eLAST_ACK`).
    var observed: [String] = []

    init(_ text: String, runner: ScriptRunner) {
        var tokens: [String] = []
        var current = ""
        func flush() {
            if !current.isEmpty { tokens.append(current) }
            current = ""
        }
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character.isLetter || character.isNumber || character == "_" || character == "-" && current.isEmpty
                && index + 1 < characters.count && characters[index + 1].isNumber
            {
                current.append(character)
            } else {
                flush()
                if "=!<>".contains(character), index + 1 < characters.count, characters[index + 1] == "=" {
                    tokens.append(String(character) + "=")
                    index += 1
                } else if !character.isWhitespace {
                    tokens.append(String(character))
                }
            }
            index += 1
        }
        flush()
        self.tokens = tokens
        self.runner = runner
    }

    mutating func evaluate() throws -> Bool {
        if peek == "assert" { position += 1 }
        let result = try orExpression()
        guard position == tokens.count else { throw failure("expected end of assertion, found '\(tokens[position])'") }
        return result
    }

    private var peek: String? { position < tokens.count ? tokens[position] : nil }

    private func failure(_ text: String) -> ScriptRunner.Failure { ScriptRunner.Failure(message: "assertion: \(text)") }

    private mutating func orExpression() throws -> Bool {
        var value = try andExpression()
        while peek == "or" {
            position += 1
            let right = try andExpression()
            value = value || right
        }
        return value
    }

    private mutating func andExpression() throws -> Bool {
        var value = try unary()
        while peek == "and" {
            position += 1
            let right = try unary()
            value = value && right
        }
        return value
    }

    private mutating func unary() throws -> Bool {
        if peek == "not" {
            position += 1
            return !(try unary())
        }
        if peek == "(" {
            position += 1
            let value = try orExpression()
            guard peek == ")" else { throw failure("expected ')', found '\(peek ?? "end")'") }
            position += 1
            return value
        }
        let left = try operand()
        guard let op = peek, ["==", "!=", "<", "<=", ">", ">="].contains(op) else {
            guard case .boolean(let value) = left else { throw failure("expected a comparison after \(left)") }
            return value
        }
        position += 1
        let right = try operand()
        switch (left, right) {
        case (.integer(let a), .integer(let b)):
            switch op {
            case "==": return a == b
            case "!=": return a != b
            case "<": return a < b
            case "<=": return a <= b
            case ">": return a > b
            default: return a >= b
            }
        default:
            guard op == "==" || op == "!=" else { throw failure("'\(op)' compares numbers, found \(left) and \(right)") }
            return (left == right) == (op == "==")
        }
    }

    private mutating func operand() throws -> AssertionValue {
        guard let token = peek else { throw failure("expected a value, found the end") }
        position += 1
        if let number = Int64(token) { return .integer(number) }
        if token == "true" || token == "pdTRUE" { return .boolean(true) }
        if token == "false" || token == "pdFALSE" { return .boolean(false) }
        if let bits = ["eSELECT_READ": 1, "eSELECT_WRITE": 2, "eSELECT_EXCEPT": 4, "eSELECT_INTR": 8][token] {
            return .integer(Int64(bits))
        }
        if peek == "(" {
            position += 1
            guard let argument = peek, let number = Int(argument) else {
                throw failure("expected a socket number in \(token)(…), found '\(peek ?? "end")'")
            }
            position += 1
            guard peek == ")" else { throw failure("expected ')' after \(token)(\(number), found '\(peek ?? "end")'") }
            position += 1
            var field: String?
            if peek == "." {
                position += 1
                field = peek
                position += 1
            }
            let value = try query(token, SocketID(number), field: field)
            observed.append("\(token)(\(number))\(field.map { "." + $0 } ?? "") = \(value)")
            return value
        }
        if let state = TCPState.named(token) { return .state(state) }
        throw failure("unknown name '\(token)'")
    }

    private func query(_ function: String, _ socket: SocketID, field: String?) throws -> AssertionValue {
        let stack = runner.device.stack
        let connection = stack.connection(of: socket)
        switch function {
        case "state": return .state(stack.state(of: socket))
        case "flags":
            guard let flags = connection?.rtos else { return .boolean(false) }
            switch field.map({ $0.hasPrefix("b") ? String($0.dropFirst()) : $0 })?.lowercased() {
            case "finsent": return .boolean(flags.finSent)
            case "finacked": return .boolean(flags.finAcked)
            case "finrecv", "finreceived": return .boolean(flags.finReceived)
            case "finlast": return .boolean(flags.finLast)
            case "finaccepted": return .boolean(flags.finAccepted)
            case "usershutdown": return .boolean(flags.userShutdown)
            case "closerequested": return .boolean(flags.closeRequested)
            default: throw failure("unknown flag '\(field ?? "")' (expected bFinSent, bFinAcked, bFinRecv, bFinLast, bFinAccepted, bUserShutdown, bCloseRequested)")
            }
        case "usChildCount", "childCount": return .integer(Int64(stack.childCount(of: socket)))
        case "usBacklog", "backlog": return .integer(Int64(stack.backlog(of: socket)))
        case "rx": return .integer(Int64(connection?.readableCount ?? 0))
        case "tx": return .integer(Int64((connection?.unsentCount ?? 0) + (connection?.bytesInFlight ?? 0)))
        case "timeout": return .integer(Int64(stack.rtosTimeoutTicks(of: socket)))
        case "connected": return .boolean(stack.rtosIsConnected(socket))
        case "select": return .integer(Int64(stack.rtosSelectBits(socket).rawValue))
        case "wakeup":
            let now = runner.network.now
            let deadline = stack.parameters.personality == .freeRTOS ? stack.rtosWakeup(of: socket) : connection?.nextDeadline
            return .integer(deadline.map { ($0 - now).nanoseconds / 1_000_000 } ?? -1)
        case "idle":
            // FreeRTOS's hang-protection clock (prvTCPTouchSocket()); the RFC 9293 machine keeps none.
            guard let connection, connection.parameters.personality == .freeRTOS else { return .integer(-1) }
            return .integer((runner.network.now - connection.rtos.lastActivity).nanoseconds / 1_000_000)
        default:
            throw failure("unknown function '\(function)' (expected state, flags, usChildCount, usBacklog, rx, tx, timeout, wakeup, idle, connected, select)")
        }
    }
}

extension ScriptRunner {
    func evaluateAssertion(_ text: String) throws {
        var evaluator = AssertionEvaluator(text, runner: self)
        guard try evaluator.evaluate() else {
            let values = evaluator.observed.isEmpty ? "" : " (\(evaluator.observed.joined(separator: ", ")))"
            throw Failure(message: "assertion failed: \(text.trimmingWhitespace())\(values)")
        }
    }
}

extension TCPState {
    /// A state by name, the FreeRTOS spelling first: `TCPState(name:)` alone resolves `eSYN_RECEIVED` to
    /// `eSYN_FIRST` (whose RFC name is SYN-RECEIVED), so exact `e…` names are matched before it is asked.
    static func named(_ name: String) -> TCPState? {
        if let state = allCases.first(where: { $0.freeRTOSName.uppercased() == name.uppercased() }) { return state }
        return TCPState(name: name)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text = text.dropFirst() }
        while text.last?.isWhitespace == true { text = text.dropLast() }
        return String(text)
    }
}
