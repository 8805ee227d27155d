import SimClock

/// How a kernel wait ended.
enum CWake {
    case timeout
    case woken(Int64)
}

/// A task waiting on a kernel object; woken once, by the object or by its timeout.
final class CWaiter: @unchecked Sendable {
    let task: CTask
    fileprivate(set) var continuation: UnsafeContinuation<CWake, Never>?
    /// What the wait is for (event groups: the bits and how).
    var bits: UInt32 = 0
    var waitForAll = false
    var clearOnExit = false

    init(task: CTask) { self.task = task }

    /// Still waiting, for a task that still exists.
    var isWaiting: Bool { continuation != nil && !task.deleted }

    func wake(_ reason: CWake) {
        guard let continuation else { return }
        self.continuation = nil
        continuation.resume(returning: reason)
    }
}

/// Waiters in FreeRTOS's event-list order: highest priority first, then first come.
struct CWaitList {
    private var waiters: [CWaiter] = []

    mutating func append(_ waiter: CWaiter) { waiters.append(waiter) }

    /// Removes and returns the best waiter still waiting.
    mutating func popBest() -> CWaiter? {
        waiters.removeAll { !$0.isWaiting }
        var best: Int?
        for (index, waiter) in waiters.enumerated() {
            if let current = best, waiters[current].task.priority >= waiter.task.priority { continue }
            best = index
        }
        guard let best else { return nil }
        return waiters.remove(at: best)
    }

    /// The waiters still waiting, in list order.
    mutating func all() -> [CWaiter] {
        waiters.removeAll { !$0.isWaiting }
        return waiters.sorted { $0.task.priority > $1.task.priority }
    }

    mutating func removeAll() -> [CWaiter] {
        defer { waiters.removeAll() }
        return waiters.filter(\.isWaiting)
    }
}

/// A queue, semaphore or mutex (FreeRTOS builds all of them on queues).
final class CQueue {
    enum Kind: Int64 {
        case queue = 0, binary, counting, mutex, recursiveMutex
    }
    let kind: Kind
    let length: Int
    let itemSize: Int
    var items: [[UInt8]] = []
    /// Semaphores and mutexes: the count (items stay empty).
    var count = 0
    var holder: CTask?
    var recursion = 0
    var senders = CWaitList()
    var receivers = CWaitList()

    init(kind: Kind, length: Int, itemSize: Int, initialCount: Int) {
        self.kind = kind
        self.length = max(1, length)
        self.itemSize = itemSize
        count = initialCount
    }

    var isSemaphore: Bool { kind != .queue }
    var waiting: Int { isSemaphore ? count : items.count }
    var spaces: Int { length - waiting }
}

/// An event group.
final class CEventGroup {
    var bits: UInt32 = 0
    var waiters = CWaitList()
}

/// A software timer; its callback runs in the application's timer task.
final class CTimer {
    let name: String
    var period: Int64
    var autoReload: Bool
    var active = false
    var expiry: Int64 = 0
    /// Increases on every (re)start and stop, so a superseded expiry event does nothing.
    var generation = 0

    init(name: String, period: Int64, autoReload: Bool) {
        self.name = name
        self.period = period
        self.autoReload = autoReload
    }
}

extension CApplication {
    /// Blocks `task` on a kernel object until woken or until `deadline`; `register` puts the waiter in the
    /// object's list.
    func wait(_ task: CTask, until deadline: SimInstant?, _ register: (CWaiter) -> Void) async -> CWake {
        let waiter = CWaiter(task: task)
        release(task)
        network.noteTaskBlocked()
        let wake = await withUnsafeContinuation { (continuation: UnsafeContinuation<CWake, Never>) in
            waiter.continuation = continuation
            register(waiter)
            if let deadline { network.at(deadline) { waiter.wake(.timeout) } }
        }
        await acquire(task)
        return wake
    }

    /// Wakes `waiter` from the running task's call: a task of higher priority preempts the caller.
    func wake(_ waiter: CWaiter, _ reason: CWake) {
        if let running, waiter.task.priority > running.priority { preemptionPending = true }
        waiter.wake(reason)
    }

    func newObjectID() -> Int64 {
        defer { nextObjectID += 1 }
        return nextObjectID
    }
}
