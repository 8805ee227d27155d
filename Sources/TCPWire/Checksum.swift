/// The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of 16-bit words.
///
/// Implementation: RFC 1071 §2 notes that the sum is independent of byte order ("byte order independence") and
/// can be computed over wider words with end-around carry ("parallel summation"). So the hot loop loads
/// 128-bit vectors of native-order 64-bit words, adds each word's two 32-bit halves into 64-bit accumulators
/// (no carry can be lost before 2^32 rounds), folds to 16 bits at the end, and swaps bytes once if the machine
/// is little-endian. Memory is read through `withUnsafeBytes` with loads bounded by the buffer's count.
///
/// All `UInt32` sums here (`initial`, `sum`, `pseudoHeaderSum`) are in network order numerically: the first
/// byte of each 16-bit word is its high byte, as written in RFC 1071's examples.
public enum InternetChecksum {
    /// The checksum to store in a header: `~sum(bytes, initial: initial)`, as 16 bits.
    ///
    /// Computed over a header whose checksum field holds the correct value, the result is `0`; that is how a
    /// receiver verifies. `initial` is typically `pseudoHeaderSum(…)` for TCP and UDP.
    @inlinable
    public static func checksum(_ bytes: ArraySlice<UInt8>, initial: UInt32 = 0) -> UInt16 {
        ~UInt16(truncatingIfNeeded: sum(bytes, initial: initial))
    }

    /// The one's complement sum of `bytes` added to `initial`, folded to 16 bits (not complemented).
    ///
    /// Sums chain: `sum(b, initial: sum(a))` equals the sum of `a` followed by `b` when `a.count` is even.
    @inlinable
    public static func sum(_ bytes: ArraySlice<UInt8>, initial: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { sum($0, initial: initial) }
    }

    /// `checksum(_:initial:)` over raw memory, for encoders that write into a buffer.
    @inlinable
    public static func checksum(_ bytes: UnsafeRawBufferPointer, initial: UInt32 = 0) -> UInt16 {
        ~UInt16(truncatingIfNeeded: sum(bytes, initial: initial))
    }

    /// `sum(_:initial:)` over raw memory.
    public static func sum(_ bytes: UnsafeRawBufferPointer, initial: UInt32 = 0) -> UInt32 {
        // Bring `initial` into the machine's byte order so it can join the native-order accumulator.
        let accumulator = UInt64(UInt16(truncatingIfNeeded: fold(UInt64(initial))).bigEndian) &+ nativeOrderSum(bytes)
        return UInt32(UInt16(bigEndian: UInt16(truncatingIfNeeded: fold(accumulator))))
    }

    /// The sum of the TCP/UDP pseudo-header (RFC 9293 §3.1): source, destination, zero, protocol, length.
    ///
    /// `length` is the TCP header plus payload in bytes (at most 65535; higher bits are ignored).
    @inlinable
    public static func pseudoHeaderSum(
        source: IPv4Address, destination: IPv4Address, protocolNumber: UInt8, length: Int
    ) -> UInt32 {
        (source.rawValue >> 16) + (source.rawValue & 0xFFFF) + (destination.rawValue >> 16)
            + (destination.rawValue & 0xFFFF) + UInt32(protocolNumber) + (UInt32(truncatingIfNeeded: length) & 0xFFFF)
    }

    /// Folds a wide one's complement sum to 16 bits with end-around carry.
    private static func fold(_ value: UInt64) -> UInt64 {
        var value = value
        while value > 0xFFFF { value = (value & 0xFFFF) &+ (value >> 16) }
        return value
    }

    /// The unfolded sum of `raw` read as native-order 16-bit words; an odd final byte is padded with zero
    /// on its right, as RFC 1071 requires.
    private static func nativeOrderSum(_ raw: UnsafeRawBufferPointer) -> UInt64 {
        let count = raw.count
        var offset = 0
        // Two-lane vectors (one SSE2 / NEON register) and four independent accumulators let the CPU overlap
        // the additions: each 64-bit lane collects 32-bit halves, so no carry is lost before 2^32 rounds.
        let low = SIMD2<UInt64>(repeating: 0xFFFF_FFFF)
        var a = SIMD2<UInt64>(), b = SIMD2<UInt64>(), c = SIMD2<UInt64>(), d = SIMD2<UInt64>()
        while offset + 64 <= count {
            let w0 = raw.loadUnaligned(fromByteOffset: offset, as: SIMD2<UInt64>.self)
            let w1 = raw.loadUnaligned(fromByteOffset: offset + 16, as: SIMD2<UInt64>.self)
            let w2 = raw.loadUnaligned(fromByteOffset: offset + 32, as: SIMD2<UInt64>.self)
            let w3 = raw.loadUnaligned(fromByteOffset: offset + 48, as: SIMD2<UInt64>.self)
            a &+= (w0 & low) &+ (w0 &>> 32)
            b &+= (w1 & low) &+ (w1 &>> 32)
            c &+= (w2 & low) &+ (w2 &>> 32)
            d &+= (w3 & low) &+ (w3 &>> 32)
            offset += 64
        }
        let lanes = a &+ b &+ c &+ d
        var total = lanes[0] &+ lanes[1]
        while offset + 8 <= count {
            let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            total &+= (word & 0xFFFF_FFFF) &+ (word >> 32)
            offset += 8
        }
        if offset + 4 <= count {
            total &+= UInt64(raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            offset += 4
        }
        if offset + 2 <= count {
            total &+= UInt64(raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            offset += 2
        }
        if offset < count {
            #if _endian(little)
            total &+= UInt64(raw[offset])
            #else
            total &+= UInt64(raw[offset]) << 8
            #endif
        }
        return total
    }
}
