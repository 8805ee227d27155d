/// The fields of an IPv4 header that a TCP stack sets or reads (RFC 791).
public struct IPv4Header: Hashable, Sendable {
    public static let protocolTCP: UInt8 = 6
    public static let protocolICMP: UInt8 = 1

    public var source: IPv4Address
    public var destination: IPv4Address
    public var ttl: UInt8
    public var identification: UInt16
    public var dontFragment: Bool
    /// Type of service / DSCP+ECN byte.
    public var typeOfService: UInt8
    public var protocolNumber: UInt8
    /// Raw IP options (length a multiple of 4, at most 40). Parsed headers keep them so they round-trip.
    public var options: [UInt8]

    public init(
        source: IPv4Address, destination: IPv4Address, ttl: UInt8 = 64, identification: UInt16 = 0,
        dontFragment: Bool = false, typeOfService: UInt8 = 0, protocolNumber: UInt8 = IPv4Header.protocolTCP,
        options: [UInt8] = []
    ) {
        self.source = source
        self.destination = destination
        self.ttl = ttl
        self.identification = identification
        self.dontFragment = dontFragment
        self.typeOfService = typeOfService
        self.protocolNumber = protocolNumber
        self.options = options
    }
}
