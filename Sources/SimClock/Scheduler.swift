/// A queue of events ordered by deadline, then by insertion order.
///
/// Events due at the same instant run in the order they were scheduled, as in NIO's `EmbeddedEventLoop`;
/// this is what makes a run deterministic. Backed by a binary heap.
public struct Scheduler<Event> {
    @usableFromInline struct Entry {
        @usableFromInline var deadline: SimInstant
        @usableFromInline var order: UInt64
        @usableFromInline var event: Event

        @inlinable func precedes(_ other: Entry) -> Bool {
            deadline < other.deadline || (deadline == other.deadline && order < other.order)
        }
    }

    @usableFromInline var heap: [Entry] = []
    @usableFromInline var nextOrder: UInt64 = 0
    /// The current virtual time: the deadline of the last event taken, or where `advance(to:)` moved it.
    public private(set) var now: SimInstant = .zero

    public init() {}

    public var isEmpty: Bool { heap.isEmpty }
    public var count: Int { heap.count }
    /// The deadline of the next event, if any.
    public var nextDeadline: SimInstant? { heap.first?.deadline }

    /// The next event and its deadline, without removing it.
    public var peek: (deadline: SimInstant, event: Event)? { heap.first.map { ($0.deadline, $0.event) } }

    /// Queues `event` at `deadline`; a deadline in the past is treated as `now`.
    public mutating func schedule(_ event: Event, at deadline: SimInstant) {
        let entry = Entry(deadline: max(deadline, now), order: nextOrder, event: event)
        nextOrder &+= 1
        heap.append(entry)
        siftUp(heap.count - 1)
    }

    /// Removes the next event due no later than `limit` and moves `now` to its deadline.
    public mutating func popNext(notAfter limit: SimInstant = .distantFuture) -> Event? {
        guard let first = heap.first, first.deadline <= limit else { return nil }
        now = first.deadline
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return first.event
    }

    /// Removes the next event without moving `now` (for dropping superseded entries).
    public mutating func discardNext() {
        guard !heap.isEmpty else { return }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
    }

    /// Moves `now` forward to `instant` without taking events (it never moves backwards).
    public mutating func advance(to instant: SimInstant) {
        if instant > now { now = instant }
    }

    @usableFromInline mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    @usableFromInline mutating func siftDown(_ start: Int) {
        var parent = start
        let count = heap.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { return }
            var best = left
            if left + 1 < count, heap[left + 1].precedes(heap[left]) { best = left + 1 }
            guard heap[best].precedes(heap[parent]) else { return }
            heap.swapAt(best, parent)
            parent = best
        }
    }
}

extension Scheduler: Sendable where Event: Sendable {}
extension Scheduler.Entry: Sendable where Event: Sendable {}
