import SimClock
import TCPWire

/// A parsed scenario script.
///
/// Equality compares locations too; compare `steps.map(\.time)` / `steps.map(\.kind)` to ignore them
/// (or use `isEquivalent(to:)`).
public struct Script: Hashable, Sendable {
    /// Option lines (`--personality=…`, `--config=…`, `--tolerance_usecs=…`, `--seed=…`), in order.
    public var options: [ScriptOption]
    /// `-D NAME=value` definitions; a later definition of the same name wins.
    public var defines: [String: String]
    public var steps: [Step]

    public init(options: [ScriptOption] = [], defines: [String: String] = [:], steps: [Step] = []) {
        self.options = options
        self.defines = defines
        self.steps = steps
    }

    /// Same options, defines, and steps (times and kinds), ignoring source locations.
    public func isEquivalent(to other: Script) -> Bool {
        options == other.options && defines == other.defines && steps.count == other.steps.count
            && zip(steps, other.steps).allSatisfy { $0.time == $1.time && $0.kind == $1.kind }
    }
}

/// Which model of the TCP stack a script runs against.
public enum Personality: String, Hashable, Sendable, CaseIterable {
    /// FreeRTOS+TCP's behaviour (the default of the simulator).
    case freertos
    /// RFC 9293's state machine (FIN_WAIT_2, TIME_WAIT, CLOSING), for packetdrill compatibility.
    case rfc
}

/// One option from an option line.
public enum ScriptOption: Hashable, Sendable {
    /// `--personality=freertos|rfc`
    case personality(Personality)
    /// `--config=FILE` (a FreeRTOSIPConfig.h-style file; the path as written).
    case config(String)
    /// `--tolerance_usecs=N`: how far an outbound packet may be late or early.
    case toleranceMicroseconds(Int64)
    /// `--seed=N`
    case seed(UInt64)
    /// `--device_app=terminal-server[:VARIANT]` or `--device_app=echo:PORT`: a built-in app on the device.
    case deviceApp(String)
    /// `--peer_app=NAME:ARGUMENTS`: a live simulated host application (a second remote host).
    case peerApp(String)
}

/// A time in a script: seconds written as `0.1`, either from the start of the run or, with `+`, from the
/// previous step's time.
public struct TimeOffset: Hashable, Sendable {
    public var isRelative: Bool
    public var duration: SimDuration

    public init(_ duration: SimDuration, relative: Bool) {
        self.duration = duration
        self.isRelative = relative
    }

    public static func absolute(_ d: SimDuration) -> TimeOffset { TimeOffset(d, relative: false) }
    public static func relative(_ d: SimDuration) -> TimeOffset { TimeOffset(d, relative: true) }
}

/// When a step happens.
public enum EventTime: Hashable, Sendable {
    /// `0.1`: seconds since the start of the run.
    case absolute(SimDuration)
    /// `+0.1`: seconds since the previous step.
    case relative(SimDuration)
    /// `a~b`: any time in `a ... b` (each end absolute or `+relative`).
    case range(TimeOffset, TimeOffset)
    /// `*`: any time.
    case any
    /// `start...end`: a blocking system call that starts at `start` and returns at `end` (calls only).
    case blocking(start: TimeOffset, end: TimeOffset)
}

/// One line of the script.
public struct Step: Hashable, Sendable {
    /// Where the step starts (its event time).
    public var location: ScriptLocation
    public var time: EventTime
    public var kind: StepKind
    /// Where the body starts: the `<`/`>`, the call name, or the `%{` of an assertion (its text starts two
    /// columns later, on the same line).
    public var bodyLocation: ScriptLocation

    public init(location: ScriptLocation, time: EventTime, kind: StepKind, bodyLocation: ScriptLocation? = nil) {
        self.location = location
        self.time = time
        self.kind = kind
        self.bodyLocation = bodyLocation ?? location
    }
}

public enum StepKind: Hashable, Sendable {
    /// `< …`: a segment injected from the remote peer into the device.
    case inbound(PacketSpec)
    /// `> …`: a segment the device is expected to send.
    case outbound(PacketSpec)
    /// `name(args) = result`: a socket call on the device.
    case call(CallSpec)
    /// `%{ … }%`: an assertion on the model's state, kept as raw text (between the braces) for the runner.
    case assertion(String)
}

/// `start:end(length)`. Numbers are as written: packetdrill's relative sequence numbers (0 is the ISN of
/// the side that sends the segment); the runner maps them to absolute ones.
public struct SequenceRange: Hashable, Sendable {
    public var start: SeqNumber
    public var length: UInt32

    public init(start: SeqNumber, length: UInt32) {
        self.start = start
        self.length = length
    }

    public var end: SeqNumber { start + Int(length) }
}

/// The `<…>` clause of a packet.
public enum OptionsSpec: Hashable, Sendable {
    /// `<mss 1460,nop,wscale 7>`: exactly these options in this order.
    case exactly([TCPOption])
    /// `<mss 1460,...>`: these options first, then anything.
    case startingWith([TCPOption])
    /// `<...>`: any options.
    case any
}

/// Which remote endpoint a packet belongs to, when a script speaks for more than the default one.
/// Written as trailing clauses `port N` and/or `addr A.B.C.D`; a nil field means the default.
public struct EndpointSelector: Hashable, Sendable {
    public var address: IPv4Address?
    public var port: UInt16?

    public init(address: IPv4Address? = nil, port: UInt16? = nil) {
        self.address = address
        self.port = port
    }
}

/// A segment line: `S. 0:0(0) ack 1 win 502 <mss 1460,...> port 40002`, optionally with payload bytes
/// after the length: `P. 1:7(6) "HELLO\n" ack 1`.
public struct PacketSpec: Hashable, Sendable {
    /// `S`, `F`, `R`, `P`, `U`, `E`, `W` and `.` (ACK); `-` is the empty set.
    public var flags: TCPFlags
    public var sequence: SequenceRange
    /// Payload content to inject or to check; its length equals `sequence.length` (checked by the parser).
    public var payload: [UInt8]?
    public var ack: SeqNumber?
    public var window: UInt16?
    /// nil when the line has no `<…>` clause.
    public var options: OptionsSpec?
    /// nil when the packet is for the default remote endpoint.
    public var endpoint: EndpointSelector?

    public init(
        flags: TCPFlags, sequence: SequenceRange, payload: [UInt8]? = nil, ack: SeqNumber? = nil,
        window: UInt16? = nil, options: OptionsSpec? = nil, endpoint: EndpointSelector? = nil
    ) {
        self.flags = flags
        self.sequence = sequence
        self.payload = payload
        self.ack = ack
        self.window = window
        self.options = options
        self.endpoint = endpoint
    }
}

/// A system call argument.
public indirect enum Argument: Hashable, Sendable {
    /// `3`, `-1`, `0x10`
    case number(Int64)
    /// A constant or variable name: `SOCK_STREAM`, `FREERTOS_SO_REUSE_LISTEN_SOCKET`, `set`.
    case identifier(String)
    /// `...`: anything.
    case any
    /// `[1]`, `[1, 2]`
    case array([Argument])
    /// `"text"` (as bytes)
    case string([UInt8])
    /// `{l_onoff=1, l_linger=0}`: packetdrill's struct literal; fields may be named.
    case structure([StructField])
    /// `O_RDWR|O_NONBLOCK`
    case bitwiseOr([Argument])
}

public struct StructField: Hashable, Sendable {
    public var name: String?
    public var value: Argument

    public init(name: String?, value: Argument) {
        self.name = name
        self.value = value
    }
}

/// What a call is expected to return.
public enum CallResult: Hashable, Sendable {
    /// `= 3`
    case value(Int64)
    /// `= -1 ENOTCONN` or `= -1 ENOTCONN (Transport endpoint is not connected)`: BSD form with errno name and
    /// an optional free-text comment.
    case errno(value: Int64, name: String, comment: String?)
    /// `= -pdFREERTOS_ERRNO_ENOTCONN`: FreeRTOS form; `name` is the errno without the prefix (`ENOTCONN`).
    case freeRTOSError(name: String)
    /// `= pdTRUE`, `= FREERTOS_INVALID_SOCKET`: a named constant.
    case symbol(String)
    /// `= ...`: any result.
    case any
}

/// `name(arguments) = result`.
public struct CallSpec: Hashable, Sendable {
    public var name: String
    public var arguments: [Argument]
    public var result: CallResult

    public init(name: String, arguments: [Argument], result: CallResult) {
        self.name = name
        self.arguments = arguments
        self.result = result
    }

    /// BSD call names a script may use; each maps onto a FreeRTOS+TCP call.
    public static let bsdNames: [String] = [
        "socket", "setsockopt", "getsockopt", "bind", "listen", "accept", "connect", "write", "send", "read",
        "recv", "shutdown", "close",
    ]

    /// Names beginning with this prefix are FreeRTOS+TCP API calls, used as they are.
    public static let freeRTOSPrefix = "FreeRTOS_"

    public var isFreeRTOSName: Bool { name.hasPrefix(CallSpec.freeRTOSPrefix) }
}

extension Script {
    /// An absolute time before what the previous events already reached (packetdrill: "timestamp is before the
    /// previous event") is an error at that time, not an event silently moved. Relative times count from the
    /// earliest the previous event can be. (Checked before a run; parsing alone accepts any order.)
    public func checkTimesGoForward(file: String) throws(ScenarioError) {
        var earliest = SimDuration.zero
        func start(of offset: TimeOffset) -> SimDuration { offset.isRelative ? earliest + offset.duration : offset.duration }
        for step in steps {
            let time: SimDuration
            switch step.time {
            case .absolute(let duration): time = duration
            case .relative(let duration): time = earliest + duration
            case .range(let low, _): time = start(of: low)
            case .blocking(let begin, _): time = start(of: begin)
            case .any: time = earliest
            }
            if time < earliest {
                throw ScenarioError(file: file, at: step.location,
                                    expected: "a time at or after the previous event's \(earliest.secondsText) s",
                                    found: "\(time.secondsText) s")
            }
            earliest = time
        }
    }
}
