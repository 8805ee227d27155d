import CAppShim
import SimClock
import Simulation

/// The kernel's synchronisation objects: queues, semaphores and mutexes (with priority inheritance), event
/// groups and software timers, waiting on the simulation's clock.
extension CApplication {
    // MARK: - Queues, semaphores and mutexes

    func queueSend(_ request: CRequest, from task: CTask) async -> CReply {
        let end = deadline(afterTicks: request.a1)
        while let queue = queues[request.a0] {
            if queue.isSemaphore {
                if queue.kind == .mutex || queue.kind == .recursiveMutex {
                    guard queue.holder === task else { return CReply(pdFAIL) }
                    queue.recursion -= 1
                    if queue.recursion > 0 { return CReply(pdPASS) }
                    queue.holder = nil
                    queue.count = 1
                    updateInheritedPriority(task)
                    wakeBest(&queue.receivers)
                    return CReply(pdPASS)
                }
                if queue.count < queue.length {
                    queue.count += 1
                    wakeBest(&queue.receivers)
                    return CReply(pdPASS)
                }
            } else {
                var item = Array(request.data.prefix(queue.itemSize))
                if item.count < queue.itemSize { item += [UInt8](repeating: 0, count: queue.itemSize - item.count) }
                if request.a2 == 2 {  // queueOVERWRITE
                    queue.items = [item]
                    wakeBest(&queue.receivers)
                    return CReply(pdPASS)
                }
                if queue.items.count < queue.length {
                    if request.a2 == 1 { queue.items.insert(item, at: 0) } else { queue.items.append(item) }
                    wakeBest(&queue.receivers)
                    return CReply(pdPASS)
                }
            }
            guard request.a1 != 0, end.map({ $0 > network.now }) ?? true else { return CReply(pdFAIL) }  // errQUEUE_FULL
            if case .timeout = await wait(task, until: end, { queue.senders.append($0) }) { return CReply(pdFAIL) }
        }
        return CReply(pdFAIL)
    }

    func queueReceive(_ request: CRequest, from task: CTask) async -> CReply {
        let end = deadline(afterTicks: request.a1)
        let peek = request.a2 != 0
        while let queue = queues[request.a0] {
            if queue.isSemaphore {
                if queue.kind == .recursiveMutex, queue.holder === task {
                    queue.recursion += 1
                    return CReply(pdPASS)
                }
                if queue.count > 0 {
                    queue.count -= 1
                    if queue.kind == .mutex || queue.kind == .recursiveMutex {
                        queue.holder = task
                        queue.recursion = 1
                    }
                    wakeBest(&queue.senders)
                    return CReply(pdPASS)
                }
            } else if let first = queue.items.first {
                if peek {
                    wakeBest(&queue.receivers)
                } else {
                    queue.items.removeFirst()
                    wakeBest(&queue.senders)
                }
                return CReply(pdPASS, data: first)
            }
            guard request.a1 != 0, end.map({ $0 > network.now }) ?? true else { return CReply(pdFAIL) }  // errQUEUE_EMPTY
            // FreeRTOS: xTaskPriorityInherit(): the holder of a mutex runs at the priority of its best waiter.
            let holder = queue.holder
            let wake = await wait(task, until: end) { waiter in
                queue.receivers.append(waiter)
                if let holder { updateInheritedPriority(holder) }
            }
            if case .timeout = wake {
                if let holder { updateInheritedPriority(holder) }  // xTaskPriorityDisinheritAfterTimeout()
                return CReply(pdFAIL)
            }
        }
        return CReply(pdFAIL)
    }

    /// A task's priority: its own, raised to that of the best task waiting for a mutex it holds.
    func updateInheritedPriority(_ task: CTask) {
        var priority = task.basePriority
        for queue in queues.values where queue.holder === task {
            for waiter in queue.receivers.all() { priority = max(priority, waiter.task.priority) }
        }
        task.priority = priority
    }

    func wakeBest(_ list: inout CWaitList) {
        if let waiter = list.popBest() { wake(waiter, .woken(0)) }
    }

    func wakeAll(_ list: inout CWaitList) {
        for waiter in list.removeAll() { wake(waiter, .woken(0)) }
    }

    // MARK: - Event groups

    func satisfied(_ bits: UInt32, _ wanted: UInt32, all: Bool) -> Bool {
        all ? bits & wanted == wanted : bits & wanted != 0
    }

    /// `xEventGroupSetBits()`: wakes every waiter the new bits satisfy, then clears what they asked to clear.
    func setBits(_ group: CEventGroup, _ bits: UInt32) -> UInt32 {
        group.bits |= bits
        var clear: UInt32 = 0
        for waiter in group.waiters.all() where satisfied(group.bits, waiter.bits, all: waiter.waitForAll) {
            if waiter.clearOnExit { clear |= waiter.bits }
            wake(waiter, .woken(Int64(group.bits)))
        }
        group.bits &= ~clear
        return group.bits
    }

    func waitBits(_ request: CRequest, from task: CTask) async -> CReply {
        guard let group = eventGroups[request.a0] else { return CReply() }
        let wanted = UInt32(truncatingIfNeeded: request.a1)
        let clear = request.a2 != 0, all = request.a3 != 0
        if satisfied(group.bits, wanted, all: all) {
            let value = group.bits
            if clear { group.bits &= ~wanted }
            return CReply(Int64(value))
        }
        return await waitForBits(task, group, wanted, all: all, clear: clear, ticks: request.a4)
    }

    /// Blocks until `group` has the `wanted` bits (all or any) or `ticks` pass; the bits as the waker saw them,
    /// or the group's bits on timeout.
    func waitForBits(_ task: CTask, _ group: CEventGroup, _ wanted: UInt32, all: Bool, clear: Bool,
                             ticks: Int64) async -> CReply {
        guard ticks != 0 else { return CReply(Int64(group.bits)) }
        let wake = await wait(task, until: deadline(afterTicks: ticks)) { waiter in
            waiter.bits = wanted
            waiter.waitForAll = all
            waiter.clearOnExit = clear
            group.waiters.append(waiter)
        }
        if case .woken(let value) = wake { return CReply(value) }
        return CReply(Int64(group.bits))
    }

    func syncBits(_ request: CRequest, from task: CTask) async -> CReply {
        guard let group = eventGroups[request.a0] else { return CReply() }
        let set = UInt32(truncatingIfNeeded: request.a1), wanted = UInt32(truncatingIfNeeded: request.a2)
        let before = group.bits | set
        _ = setBits(group, set)
        if before & wanted == wanted {
            group.bits &= ~wanted
            return CReply(Int64(before))
        }
        return await waitForBits(task, group, wanted, all: true, clear: true, ticks: request.a3)
    }

    // MARK: - Software timers

    func timerCommand(_ request: CRequest) -> CReply {
        guard let timer = timers[request.a0] else { return CReply(pdFAIL) }
        timer.generation += 1
        switch request.a1 {
        case 1, 3: arm(timer, id: request.a0, from: tickNow)
        case 2: timer.active = false
        case 4:
            timer.period = max(1, request.a2)
            arm(timer, id: request.a0, from: tickNow)
        case 5:
            timer.active = false
            timers[request.a0] = nil
        case 6: timer.autoReload = request.a2 != 0
        default: return CReply(pdFAIL)
        }
        return CReply(pdPASS)
    }

    func arm(_ timer: CTimer, id: Int64, from tick: Int64) {
        timer.active = true
        timer.expiry = tick + timer.period
        let generation = timer.generation
        network.at(instant(ofTick: timer.expiry)) { [weak self, weak timer] in
            guard let self, let timer, timer.generation == generation, timer.active else { return }
            if timer.autoReload {
                timer.generation += 1
                arm(timer, id: id, from: timer.expiry)
            } else {
                timer.active = false
            }
            dueTimers.append(id)
            if let waiter = timerTaskWaiter {
                timerTaskWaiter = nil
                wake(waiter, .woken(0))
            }
        }
    }

    /// The timer task's wait for the next callback to run.
    func nextTimer(_ task: CTask) async -> CReply {
        while dueTimers.isEmpty {
            _ = await wait(task, until: nil) { timerTaskWaiter = $0 }
        }
        return CReply(dueTimers.removeFirst())
    }
}
