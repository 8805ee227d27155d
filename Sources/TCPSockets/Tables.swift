/// Dense storage indexed by descriptor number: O(1) access without hashing, and in-place mutation of the
/// element (the TCBs are large values; copying one per segment would dominate the cost of a run).
struct DescriptorTable<Element> {
    private(set) var slots: [Element?] = []
    private(set) var count = 0

    subscript(id: SocketID) -> Element? {
        _read {
            if id.rawValue >= 0 && id.rawValue < slots.count {
                yield slots[id.rawValue]
            } else {
                yield nil
            }
        }
        _modify {
            let index = id.rawValue
            if index >= slots.count {
                var absent: Element? = nil
                yield &absent
                if absent != nil { grow(to: index); slots[index] = absent; count += 1 }
                return
            }
            let existed = slots[index] != nil
            yield &slots[index]
            let exists = slots[index] != nil
            if existed != exists { count += exists ? 1 : -1 }
        }
        set {
            let index = id.rawValue
            guard index >= 0 else { return }
            if index >= slots.count {
                guard newValue != nil else { return }
                grow(to: index)
            }
            let existed = slots[index] != nil
            slots[index] = newValue
            if existed != (newValue != nil) { count += newValue != nil ? 1 : -1 }
        }
    }

    private mutating func grow(to index: Int) {
        if index >= slots.count { slots.append(contentsOf: repeatElement(nil, count: index + 1 - slots.count)) }
    }

    /// The descriptors in use, in ascending order.
    var ids: [SocketID] { slots.indices.compactMap { slots[$0] == nil ? nil : SocketID($0) } }

    @discardableResult
    mutating func removeValue(forKey id: SocketID) -> Element? {
        let old = self[id]
        self[id] = nil
        return old
    }
}

extension DescriptorTable: Sendable where Element: Sendable {}
