import SimClock
import TCPWire

// Rendering back to script syntax. `Script.parse(script.description)` gives an equivalent script
// (`isEquivalent(to:)`): only locations, comments and spacing differ.

extension ScenarioParser {
    static func printed(_ time: EventTime) -> String { time.description }
    static func printed(_ offset: TimeOffset) -> String { offset.description }
}

/// Seconds as the shortest exact decimal: `0`, `0.1`, `30`, `0.000001`.
func secondsText(_ duration: SimDuration) -> String {
    let nanoseconds = duration.nanoseconds
    let sign = nanoseconds < 0 ? "-" : ""
    let magnitude = nanoseconds.magnitude
    let whole = magnitude / 1_000_000_000
    let fraction = magnitude % 1_000_000_000
    guard fraction != 0 else { return sign + String(whole) }
    var digits = String(fraction)
    digits = String(repeating: "0", count: 9 - digits.count) + digits
    while digits.hasSuffix("0") { digits.removeLast() }
    return sign + String(whole) + "." + digits
}

/// A `"…"` literal for bytes: printable ASCII as is, `\n \r \t \0 \\ \"`, anything else `\xHH`.
public func quoted(_ bytes: [UInt8]) -> String {
    let hex = Array("0123456789abcdef".unicodeScalars)
    var text = "\""
    for b in bytes {
        switch b {
        case 0x0A: text += "\\n"
        case 0x0D: text += "\\r"
        case 0x09: text += "\\t"
        case 0x00: text += "\\0"
        case UInt8(ascii: "\\"): text += "\\\\"
        case UInt8(ascii: "\""): text += "\\\""
        case 0x20...0x7E: text.unicodeScalars.append(Unicode.Scalar(b))
        default:
            text += "\\x"
            text.unicodeScalars.append(hex[Int(b >> 4)])
            text.unicodeScalars.append(hex[Int(b & 0x0F)])
        }
    }
    return text + "\""
}

extension Script: CustomStringConvertible {
    /// The script in its own syntax: one option per line, defines sorted by name, then the steps.
    public var description: String {
        var lines: [String] = options.map(\.description)
        for name in defines.keys.sorted() { lines.append("-D \(name)=\(defines[name] ?? "")") }
        lines += steps.map(\.description)
        return lines.map { $0 + "\n" }.joined()
    }
}

extension ScriptOption: CustomStringConvertible {
    public var description: String {
        switch self {
        case .personality(let p): "--personality=\(p.rawValue)"
        case .config(let file): "--config=\(file)"
        case .toleranceMicroseconds(let n): "--tolerance_usecs=\(n)"
        case .seed(let n): "--seed=\(n)"
        case .deviceApp(let app): "--device_app=\(app)"
        case .peerApp(let app): "--peer_app=\(app)"
        }
    }
}

extension TimeOffset: CustomStringConvertible {
    public var description: String { (isRelative ? "+" : "") + secondsText(duration) }
}

extension EventTime: CustomStringConvertible {
    public var description: String {
        switch self {
        case .absolute(let d): secondsText(d)
        case .relative(let d): "+" + secondsText(d)
        case .range(let a, let b): "\(a)~\(b)"
        case .any: "*"
        case .blocking(let start, let end): "\(start)...\(end)"
        }
    }
}

extension Step: CustomStringConvertible {
    /// `+0.1 < S 0:0(0) win 64240 <mss 1460>`
    public var description: String { "\(time) \(kind)" }
}

extension StepKind: CustomStringConvertible {
    public var description: String {
        switch self {
        case .inbound(let packet): "< \(packet)"
        case .outbound(let packet): "> \(packet)"
        case .call(let call): call.description
        case .assertion(let text): "%{" + text + "}%"
        }
    }
}

extension PacketSpec: CustomStringConvertible {
    /// Packetdrill's order: flags, range, payload, `ack`, `win`, options, then `port` / `addr`.
    public var description: String {
        var flagText = ""
        if flags.contains(.syn) { flagText += "S" }
        if flags.contains(.fin) { flagText += "F" }
        if flags.contains(.rst) { flagText += "R" }
        if flags.contains(.psh) { flagText += "P" }
        if flags.contains(.urg) { flagText += "U" }
        if flags.contains(.ece) { flagText += "E" }
        if flags.contains(.cwr) { flagText += "W" }
        if flags.contains(.ack) { flagText += "." }
        if flagText.isEmpty { flagText = "-" }
        var text = "\(flagText) \(sequence.start):\(sequence.end)(\(sequence.length))"
        if let payload { text += " " + quoted(payload) }
        if let ack { text += " ack \(ack)" }
        if let window { text += " win \(window)" }
        if let options { text += " " + options.description }
        if let address = endpoint?.address { text += " addr \(address)" }
        if let port = endpoint?.port { text += " port \(port)" }
        return text
    }
}

extension OptionsSpec: CustomStringConvertible {
    public var description: String {
        switch self {
        case .any: "<...>"
        case .exactly(let options): "<" + options.map(optionText).joined(separator: ",") + ">"
        case .startingWith(let options): "<" + (options.map(optionText) + ["..."]).joined(separator: ",") + ">"
        }
    }
}

/// Script spelling of one option (as tcpdump's, except SACK blocks: `sack 1:2 3:4`).
func optionText(_ option: TCPOption) -> String {
    switch option {
    case .sack(let blocks): (["sack"] + blocks.map { "\($0.left):\($0.right)" }).joined(separator: " ")
    default: option.description
    }
}

extension Argument: CustomStringConvertible {
    public var description: String {
        switch self {
        case .number(let n): String(n)
        case .identifier(let name): name
        case .any: "..."
        case .array(let elements): "[" + elements.map(\.description).joined(separator: ", ") + "]"
        case .string(let bytes): quoted(bytes)
        case .structure(let fields):
            "{" + fields.map { ($0.name.map { $0 + "=" } ?? "") + $0.value.description }.joined(separator: ", ") + "}"
        case .bitwiseOr(let terms): terms.map(\.description).joined(separator: "|")
        }
    }
}

extension CallResult: CustomStringConvertible {
    public var description: String {
        switch self {
        case .value(let n): String(n)
        case .errno(let value, let name, let comment): "\(value) \(name)" + (comment.map { " (\($0))" } ?? "")
        case .freeRTOSError(let name): "-pdFREERTOS_ERRNO_\(name)"
        case .symbol(let name): name
        case .any: "..."
        }
    }
}

extension CallSpec: CustomStringConvertible {
    /// `setsockopt(3, SOL_SOCKET, FREERTOS_SO_REUSE_LISTEN_SOCKET, [1], 4) = 0`
    public var description: String {
        "\(name)(" + arguments.map(\.description).joined(separator: ", ") + ") = \(result)"
    }
}
