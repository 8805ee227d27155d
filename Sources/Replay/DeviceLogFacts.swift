import Foundation

/// What a FreeRTOS+TCP debug log says about the device's app and clock besides its state changes, from the
/// stack's own lines (not the app's):
/// - `EPOCH tick=N …` prefixes: the device's tick count against the capture's clock;
/// - `FreeRTOS_closesocket[0ip port 3301 to c0000201ip port 36822]: …`: a close, and when;
/// - `Socket 3301 -> [192.0.2.1]:36822 State eTCP_LISTEN->eSYN_FIRST`: the listening socket itself took the
///   connection (FREERTOS_SO_REUSE_LISTEN_SOCKET); `eCLOSED->eSYN_FIRST`: a child of a listener did;
/// - `Gain: Socket 80 now has 1 / 4 child…`, `Check: Socket 3301 already has 2 / 2 children`: the backlog;
/// - `TCP: No active socket on port 3301 (41836)`: when the stack processed a segment from that peer port.
public struct DeviceLogFacts: Sendable {
    /// A device tick count at a wall-clock second (the capture's clock).
    public var clock: [(time: Double, tick: Int64)] = []

    public struct Close: Sendable {
        public var line: Int
        public var time: Double?
        public var port: UInt16
        public var remotePort: UInt16
    }
    public var closes: [Close] = []

    /// How a port listened, with the line that shows it.
    public enum Listening: Sendable, Equatable {
        case reuse(line: Int)
        case backlog(Int?, line: Int)
    }
    public var listening: [UInt16: Listening] = [:]

    /// A segment the stack processed (and answered with RST: no socket), with the line's time.
    public struct Processed: Sendable {
        public var line: Int
        public var time: Double
        public var port: UInt16
        public var remotePort: UInt16
    }
    public var processed: [Processed] = []

    mutating func readClock(_ line: Substring) {
        let words = line.prefix(64).split(separator: " ", maxSplits: 2)
        guard words.count >= 2, words[1].hasPrefix("tick="), let time = Double(words[0]),
            let tick = Int64(words[1].dropFirst(5)), (0..<(1 << 40)).contains(tick)
        else { return }
        clock.append((time, tick))
    }

    mutating func note(_ change: DeviceLog.StateChange) {
        guard change.to == "eSYN_FIRST", change.remote != "0.0.0.0:0" else { return }
        switch (change.from, listening[change.port]) {
        case ("eTCP_LISTEN", nil): listening[change.port] = .reuse(line: change.line)
        case ("eCLOSED", nil): listening[change.port] = .backlog(nil, line: change.line)
        default: break
        }
    }

    mutating func read(_ line: Substring, number: Int) {
        if let range = line.range(of: "FreeRTOS_closesocket[") {
            // `[0ip port 3301 to c0000201ip port 36822]`
            let words = line[range.upperBound...].prefix { $0 != "]" }.split(separator: " ")
            guard words.count >= 6, words[1] == "port", words[3] == "to",
                let port = UInt16(words[2]), words[words.count - 2] == "port", let remote = UInt16(words[words.count - 1])
            else { return }
            closes.append(Close(line: number, time: line.split(separator: " ").first.flatMap { Double($0) },
                                port: port, remotePort: remote))
        } else if let range = line.range(of: "No active socket on port ") {
            // `TCP: No active socket on port 3301 (41836)`
            let words = line[range.upperBound...].split(separator: " ")
            guard words.count >= 2, let port = UInt16(words[0]),
                let remote = UInt16(words[1].trimmingCharacters(in: CharacterSet(charactersIn: "()"))),
                let time = line.split(separator: " ").first.flatMap({ Double($0) })
            else { return }
            processed.append(Processed(line: number, time: time, port: port, remotePort: remote))
        } else if let range = line.range(of: "Socket "), line.contains(" / "),
            line.contains("now has") || line.contains("already has")
        {
            // `Socket 80 now has 1 / 4 child…` or `Socket 3301 already has 2 / 2 children`
            let words = line[range.upperBound...].split(separator: " ")
            guard words.count >= 6, let port = UInt16(words[0]), words[4] == "/", let size = Int(words[5]) else { return }
            listening[port] = .backlog(size, line: number)
        }
    }
}
