/// SimClock — virtual time for tcpsim.
///
/// Instants, durations and the event scheduler. Nothing in this module reads a wall clock or an unseeded
/// random source; it imports neither Foundation nor Glibc.

/// A point in virtual time, in nanoseconds since the start of a run.
public struct SimInstant: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var nanoseconds: Int64

    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static let zero = SimInstant(nanoseconds: 0)
    /// Later than any deadline a run can reach; used for "never".
    public static let distantFuture = SimInstant(nanoseconds: .max / 2)

    @inlinable public static func < (lhs: SimInstant, rhs: SimInstant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    @inlinable public static func + (lhs: SimInstant, rhs: SimDuration) -> SimInstant {
        SimInstant(nanoseconds: lhs.nanoseconds &+ rhs.nanoseconds)
    }

    @inlinable public static func - (lhs: SimInstant, rhs: SimDuration) -> SimInstant {
        SimInstant(nanoseconds: lhs.nanoseconds &- rhs.nanoseconds)
    }

    @inlinable public static func - (lhs: SimInstant, rhs: SimInstant) -> SimDuration {
        SimDuration(nanoseconds: lhs.nanoseconds &- rhs.nanoseconds)
    }

    @inlinable public static func += (lhs: inout SimInstant, rhs: SimDuration) { lhs = lhs + rhs }

    /// Seconds with microsecond precision, as traces print them: `12.004311`.
    public var description: String { SimDuration(nanoseconds: nanoseconds).secondsText }
}

/// A span of virtual time, in nanoseconds.
public struct SimDuration: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var nanoseconds: Int64

    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static let zero = SimDuration(nanoseconds: 0)

    @inlinable public static func nanoseconds(_ n: Int) -> SimDuration { SimDuration(nanoseconds: Int64(n)) }
    @inlinable public static func microseconds(_ n: Int) -> SimDuration { SimDuration(nanoseconds: Int64(n * 1_000)) }
    @inlinable public static func milliseconds(_ n: Int) -> SimDuration { SimDuration(nanoseconds: Int64(n * 1_000_000)) }
    @inlinable public static func seconds(_ n: Int) -> SimDuration { SimDuration(nanoseconds: Int64(n * 1_000_000_000)) }
    /// Fractional seconds, rounded to the nearest nanosecond.
    public static func seconds(_ s: Double) -> SimDuration {
        SimDuration(nanoseconds: Int64((s * 1e9).rounded()))
    }

    @inlinable public static func < (lhs: SimDuration, rhs: SimDuration) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
    @inlinable public static func + (lhs: SimDuration, rhs: SimDuration) -> SimDuration {
        SimDuration(nanoseconds: lhs.nanoseconds &+ rhs.nanoseconds)
    }
    @inlinable public static func - (lhs: SimDuration, rhs: SimDuration) -> SimDuration {
        SimDuration(nanoseconds: lhs.nanoseconds &- rhs.nanoseconds)
    }
    @inlinable public static func * (lhs: SimDuration, rhs: Int64) -> SimDuration {
        SimDuration(nanoseconds: lhs.nanoseconds &* rhs)
    }
    @inlinable public static func / (lhs: SimDuration, rhs: Int64) -> SimDuration {
        SimDuration(nanoseconds: lhs.nanoseconds / rhs)
    }

    public var milliseconds: Int64 { nanoseconds / 1_000_000 }
    public var seconds: Double { Double(nanoseconds) / 1e9 }

    /// `12.004311` (seconds, six decimals), with a leading `-` when negative.
    public var secondsText: String {
        let sign = nanoseconds < 0 ? "-" : ""
        let micros = (nanoseconds.magnitude + 500) / 1_000
        let fraction = String(micros % 1_000_000)
        return sign + String(micros / 1_000_000) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    /// A short human form: `40.1 s`, `250 ms`, `3 µs`.
    public var description: String {
        let magnitude = nanoseconds.magnitude
        if magnitude >= 1_000_000_000 {
            let tenths = (Int64(magnitude) + 50_000_000) / 100_000_000
            return (nanoseconds < 0 ? "-" : "") + "\(tenths / 10).\(tenths % 10) s"
        }
        if magnitude >= 1_000_000 { return "\(nanoseconds / 1_000_000) ms" }
        if magnitude >= 1_000 { return "\(nanoseconds / 1_000) µs" }
        return "\(nanoseconds) ns"
    }
}
