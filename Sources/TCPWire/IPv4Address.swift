/// An IPv4 address in host byte order.
public struct IPv4Address: Hashable, Sendable, Comparable, CustomStringConvertible, LosslessStringConvertible {
    public var rawValue: UInt32

    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        rawValue = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// Parses dotted-quad text (`192.0.2.1`); `nil` for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                let octet = UInt8(part)
            else { return nil }
            value = value << 8 | UInt32(octet)
        }
        rawValue = value
    }

    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        "\(rawValue >> 24).\(rawValue >> 16 & 0xFF).\(rawValue >> 8 & 0xFF).\(rawValue & 0xFF)"
    }

    /// True when `other` lies in the same network as `self` for the given prefix length.
    public func isInSameSubnet(as other: IPv4Address, prefixLength: Int) -> Bool {
        let length = max(0, min(32, prefixLength))
        let mask: UInt32 = length == 0 ? 0 : ~UInt32(0) << (32 - length)
        return rawValue & mask == other.rawValue & mask
    }
}

/// An (address, port) pair.
public struct Endpoint: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var address: IPv4Address
    public var port: UInt16

    @inlinable public init(_ address: IPv4Address, _ port: UInt16) {
        self.address = address
        self.port = port
    }

    public static func < (lhs: Endpoint, rhs: Endpoint) -> Bool {
        (lhs.address, lhs.port) < (rhs.address, rhs.port)
    }

    /// tcpdump's form: `192.0.2.1.40000`.
    public var description: String { "\(address).\(port)" }
}
