/// A FIFO of bytes: appended at the back, consumed from the front, readable by offset from the front.
///
/// Backed by one array with a moving head that is compacted lazily, so appends and consumes are amortised
/// O(n) in the bytes moved and there is no per-segment allocation.
public struct ByteQueue: Sendable, Equatable {
    @usableFromInline var storage: [UInt8] = []
    @usableFromInline var head = 0

    public init() {}

    @inlinable public var count: Int { storage.count - head }
    @inlinable public var isEmpty: Bool { head == storage.count }

    public mutating func append<C: Collection>(contentsOf bytes: C) where C.Element == UInt8 {
        storage.append(contentsOf: bytes)
    }

    /// Removes up to `n` bytes from the front.
    public mutating func removeFirst(_ n: Int) {
        head += max(0, min(n, count))
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 65_536 && head * 2 >= storage.count {
            storage.removeSubrange(0..<head)
            head = 0
        }
    }

    /// A copy of the bytes at `offset ..< offset + length` from the front (clamped to what is there).
    /// Any `length` is valid, `Int.max` included ("everything"): it is clamped before any arithmetic.
    public func copy(offset: Int, length: Int) -> [UInt8] {
        let start = head + max(0, min(offset, count))
        let end = start + max(0, min(length, storage.count - start))
        return Array(storage[start..<end])
    }

    /// Removes and returns up to `n` bytes from the front.
    public mutating func read(upTo n: Int) -> [UInt8] {
        let bytes = copy(offset: 0, length: n)
        removeFirst(bytes.count)
        return bytes
    }
}
