/// A TCP sequence number: 32-bit, wrapping, compared by serial arithmetic.
///
/// RFC 9293 §3.4: "all arithmetic dealing with sequence numbers must be performed modulo 2**32".
/// Comparison follows RFC 1982: `a < b` iff the signed distance from `a` to `b` is positive.
public struct SeqNumber: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: UInt32

    @inlinable public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    /// Moves forward (or back, for a negative `count`) by `count` octets, wrapping.
    @inlinable public static func + (lhs: SeqNumber, rhs: Int) -> SeqNumber {
        SeqNumber(lhs.rawValue &+ UInt32(truncatingIfNeeded: rhs))
    }

    @inlinable public static func - (lhs: SeqNumber, rhs: Int) -> SeqNumber {
        SeqNumber(lhs.rawValue &- UInt32(truncatingIfNeeded: rhs))
    }

    @inlinable public static func += (lhs: inout SeqNumber, rhs: Int) { lhs = lhs + rhs }

    /// The signed distance `lhs − rhs`, in the range of `Int32`.
    @inlinable public static func - (lhs: SeqNumber, rhs: SeqNumber) -> Int {
        Int(Int32(bitPattern: lhs.rawValue &- rhs.rawValue))
    }

    @inlinable public static func < (lhs: SeqNumber, rhs: SeqNumber) -> Bool {
        Int32(bitPattern: rhs.rawValue &- lhs.rawValue) > 0
    }

    /// `low <= self < high` in serial arithmetic (RFC 9293 §3.4 acceptability tests).
    @inlinable public func isIn(_ low: SeqNumber, _ high: SeqNumber) -> Bool {
        low <= self && self < high
    }

    public var description: String { String(rawValue) }
}
