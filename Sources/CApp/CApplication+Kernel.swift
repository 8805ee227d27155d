import CAppShim
import SimClock
import Simulation

/// FreeRTOS's return values the kernel calls use.
let pdPASS: Int64 = 1
let pdFAIL: Int64 = 0

/// The kernel's requests: tasks, delays, notifications, queues, semaphores, mutexes, event groups and software
/// timers. They live here, with their waits on the simulation's clock.
extension CApplication {
    func handle(_ request: CRequest, from task: CTask) async -> CReply {
        let op = tcpsim_op(rawValue: UInt32(bitPattern: request.op))
        switch op {
        case TCPSIM_OP_HELLO: return CReply(Int64(1_000_000_000 / max(1, tick.nanoseconds)))
        case TCPSIM_OP_TASK_CREATE: return createTask(request, from: task)
        case TCPSIM_OP_TASK_DELETE: return deleteTask(request.a0 < 0 ? task : tasks[Int32(truncatingIfNeeded: request.a0)], from: task)
        case TCPSIM_OP_DELAY:
            await delay(task, untilTick: tickNow + max(0, request.a0))
            return CReply()
        case TCPSIM_OP_DELAY_UNTIL: return await delayUntil(task, previous: request.a0, increment: request.a1)
        case TCPSIM_OP_TICK_COUNT: return CReply(Int64(UInt32(truncatingIfNeeded: tickNow)))
        case TCPSIM_OP_YIELD:
            await yield(task)
            return CReply()
        case TCPSIM_OP_PRIORITY_GET: return CReply(Int64(target(request.a0, task)?.priority ?? 0))
        case TCPSIM_OP_PRIORITY_SET:
            guard let other = target(request.a0, task) else { return CReply() }
            other.basePriority = Int(request.a1)
            updateInheritedPriority(other)
            if other !== task, other.priority > task.priority { preemptionPending = true }
            if other === task, readyTasks.contains(where: { $0.priority > task.priority }) { preemptionPending = true }
            return CReply()
        case TCPSIM_OP_SUSPEND:
            guard let other = target(request.a0, task) else { return CReply() }
            other.suspended = true
            if other === task { await yield(task) }
            return CReply()
        case TCPSIM_OP_RESUME:
            guard let other = target(request.a0, task), other.suspended else { return CReply() }
            other.suspended = false
            if other.priority > task.priority { preemptionPending = true }
            scheduleGrant()
            return CReply()
        case TCPSIM_OP_START_SCHEDULER:
            schedulerStarted = true
            device.log("vTaskStartScheduler()")
            deliverNetworkUp()
            task.deleted = true  // main() never runs again
            release(task)
            return CReply()
        case TCPSIM_OP_END_SCHEDULER:
            device.log("vTaskEndScheduler(): the application stopped its tasks")
            for other in tasks.values { other.deleted = true }
            release(task)
            return CReply()
        case TCPSIM_OP_TASK_COUNT:
            // The idle task counts too, and so do tasks that deleted themselves until the idle task has run.
            return CReply(Int64(tasks.values.filter { $0.id != 0 && !$0.deleted }.count + 1 + awaitingCleanup))
        case TCPSIM_OP_TASK_STATE: return CReply(taskState(target(request.a0, task), running: task))
        case TCPSIM_OP_NOTIFY: return notify(request, from: task)
        case TCPSIM_OP_NOTIFY_TAKE: return await notifyTake(task, clearOnExit: request.a0 != 0, ticks: request.a1)
        case TCPSIM_OP_NOTIFY_WAIT:
            return await notifyWait(task, clearOnEntry: UInt32(truncatingIfNeeded: request.a0),
                                    clearOnExit: UInt32(truncatingIfNeeded: request.a1), ticks: request.a2)
        case TCPSIM_OP_QUEUE_CREATE:
            // Storage beyond what a device could allocate fails as pvPortMalloc() would: NULL.
            let storage = request.a0.multipliedReportingOverflow(by: max(1, request.a1))
            guard request.a0 > 0, request.a1 >= 0, !storage.overflow, storage.partialValue <= Self.queueStorageLimit else {
                return CReply(0)
            }
            let id = newObjectID()
            queues[id] = CQueue(kind: CQueue.Kind(rawValue: request.a2) ?? .queue, length: Int(clamping: request.a0),
                                itemSize: Int(clamping: max(0, request.a1)), initialCount: Int(clamping: request.a3))
            return CReply(id)
        case TCPSIM_OP_QUEUE_SEND: return await queueSend(request, from: task)
        case TCPSIM_OP_QUEUE_RECEIVE: return await queueReceive(request, from: task)
        case TCPSIM_OP_QUEUE_COUNT:
            guard let queue = queues[request.a0] else { return CReply(0, 0) }
            return CReply(Int64(queue.waiting), Int64(queue.spaces))
        case TCPSIM_OP_QUEUE_RESET:
            guard let queue = queues[request.a0] else { return CReply(pdFAIL) }
            queue.items.removeAll()
            if queue.kind == .queue { wakeAll(&queue.senders) }
            return CReply(pdPASS)
        case TCPSIM_OP_QUEUE_DELETE:
            queues[request.a0] = nil
            return CReply()
        case TCPSIM_OP_MUTEX_HOLDER: return CReply(queues[request.a0]?.holder.map { Int64($0.id) + 1 } ?? 0)
        case TCPSIM_OP_EVENT_CREATE:
            let id = newObjectID()
            eventGroups[id] = CEventGroup()
            return CReply(id)
        case TCPSIM_OP_EVENT_SET:
            guard let group = eventGroups[request.a0] else { return CReply() }
            return CReply(Int64(setBits(group, UInt32(truncatingIfNeeded: request.a1))))
        case TCPSIM_OP_EVENT_CLEAR:
            guard let group = eventGroups[request.a0] else { return CReply() }
            let before = group.bits
            group.bits &= ~UInt32(truncatingIfNeeded: request.a1)
            return CReply(Int64(before))
        case TCPSIM_OP_EVENT_WAIT: return await waitBits(request, from: task)
        case TCPSIM_OP_EVENT_SYNC: return await syncBits(request, from: task)
        case TCPSIM_OP_EVENT_DELETE:
            if let group = eventGroups.removeValue(forKey: request.a0) {
                for waiter in group.waiters.removeAll() { wake(waiter, .woken(0)) }
            }
            return CReply()
        case TCPSIM_OP_TIMER_CREATE:
            let id = newObjectID()
            timers[id] = CTimer(name: String(decoding: request.data, as: UTF8.self), period: max(1, request.a0),
                                autoReload: request.a1 != 0)
            return CReply(id)
        case TCPSIM_OP_TIMER_COMMAND: return timerCommand(request)
        case TCPSIM_OP_TIMER_QUERY:
            guard let timer = timers[request.a0] else { return CReply() }
            if request.a1 == 1 { return CReply(timer.period, timer.autoReload ? 1 : 0) }
            return CReply(timer.active ? 1 : 0, Int64(UInt32(truncatingIfNeeded: timer.expiry)))
        case TCPSIM_OP_TIMER_WAIT: return await nextTimer(task)
        case TCPSIM_OP_IP_INIT: return ipInit(request)
        case TCPSIM_OP_IP_EVENT_WAIT: return await nextNetworkEvent(task)
        case TCPSIM_OP_IP_ADDRESS: return addressConfiguration()
        case TCPSIM_OP_RANDOM: return CReply(Int64(UInt32(truncatingIfNeeded: random.next())))
        case TCPSIM_OP_UNSUPPORTED:
            fail("app called \(String(decoding: request.data, as: UTF8.self)) in task \"\(task.name)\" at \(timeText), which tcpsim does not model")
            return CReply()
        default:
            if let reply = await handleSocket(request, op: op, from: task) { return reply }
            fail("app protocol error: unknown request \(request.op) from task \"\(task.name)\"")
            return CReply()
        }
    }

    static let taskLimit = 10_000
    static let queueStorageLimit: Int64 = 64 << 20

    private func target(_ id: Int64, _ task: CTask) -> CTask? {
        id < 0 ? task : tasks[Int32(truncatingIfNeeded: id)]
    }

    // MARK: - Tasks

    private func createTask(_ request: CRequest, from creator: CTask) -> CReply {
        // As a device's heap would, the kernel refuses tasks beyond a bound (an app creating tasks in a loop).
        guard tasks.count < Self.taskLimit else {
            device.log("xTaskCreate(\"\(String(decoding: request.data, as: UTF8.self))\") refused: \(Self.taskLimit) tasks exist")
            return CReply(0)
        }
        let id = nextTaskID
        nextTaskID += 1
        let name = String(decoding: request.data, as: UTF8.self)
        let task = CTask(id: id, name: name, priority: Int(clamping: request.a0))
        tasks[id] = task
        if request.a2 == 0 { device.log("xTaskCreate(\"\(name)\", priority \(request.a0)) = task \(id)") }
        network.startTask(name) { [self] in await run(task) }
        if schedulerStarted, task.priority > creator.priority { preemptBeforeNextRequest = true }
        return CReply(Int64(id))
    }

    private func deleteTask(_ task: CTask?, from caller: CTask) -> CReply {
        guard let task, task.id != 0 else { return CReply() }
        task.deleted = true
        readyTasks.removeAll { $0 === task }
        device.log("vTaskDelete(\"\(task.name)\")")
        if task === caller {
            // FreeRTOS frees a task that deleted itself in the idle task, and counts it until then.
            awaitingCleanup += 1
            release(task)
        }
        return CReply()
    }

    private func taskState(_ task: CTask?, running caller: CTask) -> Int64 {
        guard let task, !task.deleted else { return 4 }  // eDeleted
        if task === caller { return 0 }  // eRunning
        if task.suspended { return 3 }  // eSuspended
        return !task.started || readyTasks.contains { $0 === task } ? 1 : 2  // eReady, eBlocked
    }

    private func delay(_ task: CTask, untilTick wakeTick: Int64) async {
        guard wakeTick > tickNow else {
            await yield(task)
            return
        }
        _ = await wait(task, until: instant(ofTick: wakeTick)) { _ in }
    }

    /// `xTaskDelayUntil()`: FreeRTOS's comparison on wrapping tick counts.
    private func delayUntil(_ task: CTask, previous: Int64, increment: Int64) async -> CReply {
        let now = UInt32(truncatingIfNeeded: tickNow)
        let last = UInt32(truncatingIfNeeded: previous)
        let wake = last &+ UInt32(truncatingIfNeeded: increment)
        let shouldDelay = now < last ? (wake < last && wake > now) : (wake < last || wake > now)
        if shouldDelay {
            await delay(task, untilTick: tickNow + Int64(wake &- now))
        } else {
            await yield(task)
        }
        return CReply(Int64(wake), shouldDelay ? 1 : 0)
    }

    // MARK: - Notifications

    private func notify(_ request: CRequest, from task: CTask) -> CReply {
        guard let other = target(request.a0, task), !other.deleted else { return CReply(pdFAIL) }
        let previous = other.notificationValue
        let value = UInt32(truncatingIfNeeded: request.a1)
        switch request.a2 {
        case 1: other.notificationValue |= value  // eSetBits
        case 2: other.notificationValue &+= 1  // eIncrement
        case 3: other.notificationValue = value  // eSetValueWithOverwrite
        case 4:  // eSetValueWithoutOverwrite
            if other.notificationPending { return CReply(pdFAIL, Int64(previous)) }
            other.notificationValue = value
        default: break  // eNoAction
        }
        other.notificationPending = true
        if let waiter = other.notificationWaiter {
            other.notificationWaiter = nil
            wake(waiter, .woken(0))
        }
        return CReply(pdPASS, Int64(previous))
    }

    private func waitForNotification(_ task: CTask, ticks: Int64) async {
        guard ticks != 0 else { return }
        _ = await wait(task, until: deadline(afterTicks: ticks)) { task.notificationWaiter = $0 }
        task.notificationWaiter = nil
    }

    private func notifyTake(_ task: CTask, clearOnExit: Bool, ticks: Int64) async -> CReply {
        if task.notificationValue == 0 { await waitForNotification(task, ticks: ticks) }
        let value = task.notificationValue
        if value != 0 { task.notificationValue = clearOnExit ? 0 : value - 1 }
        task.notificationPending = false
        return CReply(Int64(value))
    }

    private func notifyWait(_ task: CTask, clearOnEntry: UInt32, clearOnExit: UInt32, ticks: Int64) async -> CReply {
        if !task.notificationPending {
            task.notificationValue &= ~clearOnEntry
            await waitForNotification(task, ticks: ticks)
        }
        let value = task.notificationValue
        guard task.notificationPending else { return CReply(pdFAIL, Int64(value)) }
        task.notificationValue &= ~clearOnExit
        task.notificationPending = false
        return CReply(pdPASS, Int64(value))
    }

    // MARK: - The IP task

    private func ipInit(_ request: CRequest) -> CReply {
        requestedAddress = Array(request.data.prefix(4))
        ipInitialised = true
        if requestedAddress.count == 4 {
            let asked = requestedAddress.map(String.init).joined(separator: ".")
            if asked != device.address.description {
                device.log("FreeRTOS_IPInit(\(asked)): the device is \(device.address) in this run")
            } else {
                device.log("FreeRTOS_IPInit(\(asked))")
            }
        }
        deliverNetworkUp()
        return CReply(pdPASS)
    }

    /// The network comes up once `FreeRTOS_IPInit()` was called and the scheduler runs: the IP task calls the
    /// application's network event hook with `eNetworkUp`.
    func deliverNetworkUp() {
        guard ipInitialised, schedulerStarted, !networkUpDelivered, let waiter = ipTaskWaiter else { return }
        networkUpDelivered = true
        ipTaskWaiter = nil
        wake(waiter, .woken(0))  // eNetworkUp
    }

    private func nextNetworkEvent(_ task: CTask) async -> CReply {
        if ipInitialised, schedulerStarted, !networkUpDelivered {
            networkUpDelivered = true
            return CReply(0)  // eNetworkUp
        }
        let wake = await wait(task, until: nil) { ipTaskWaiter = $0 }
        if case .woken(let event) = wake { return CReply(event) }
        return CReply(0)
    }

    private func addressConfiguration() -> CReply {
        let address = device.address.rawValue
        let bytes = [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: address >> $0) }
        let gateway = [bytes[0], bytes[1], bytes[2], 1]
        return CReply(networkUpDelivered ? 1 : 0, data: bytes + [255, 255, 255, 0] + gateway + gateway)
    }
}
