import CAppShim
import Foundation
import IPConfig
import SimClock
import Simulation
import TCPSockets

/// A task of the C application, as the kernel here sees it.
final class CTask: @unchecked Sendable {
    let id: Int32
    let name: String
    /// Ties between equally ready tasks of one priority go by when they became ready (`readyTasks` order).
    var priority: Int
    /// The priority the application set; `priority` is higher while the task holds a mutex a higher-priority
    /// task waits for (priority inheritance).
    var basePriority: Int
    /// Whether it has asked for the CPU yet (a task created but not yet run is ready).
    var started = false
    var deleted = false
    var suspended = false
    /// The continuation that waits for the CPU (`CApplication.acquire`).
    var grant: UnsafeContinuation<Void, Never>?
    /// Requests since the task last blocked (a task that never blocks is a livelock).
    var callsWithoutBlocking = 0
    /// Task notification (index 0): the value and whether one is pending.
    var notificationValue: UInt32 = 0
    var notificationPending = false
    var notificationWaiter: CWaiter?

    init(id: Int32, name: String, priority: Int) {
        self.id = id
        self.name = name
        self.priority = priority
        basePriority = priority
    }
}

/// The user's FreeRTOS application, built with `tcpsim cc`, running as the device's application.
///
/// One task runs at a time. A task runs until its request blocks (a socket call with a timeout, select, a delay,
/// a queue, semaphore, event group or notification wait); then the highest-priority ready task runs, ties in the
/// order they became ready (creation order at start), as FreeRTOS's ready lists. Tasks made ready by the running
/// task preempt it when their priority is higher. Tasks run after the IP task's pass, like the Swift apps; every
/// socket call goes to the same FreeRTOS API (`Host+FreeRTOS`), so it is traced the same way.
public final class CApplication: ExternalApp, @unchecked Sendable {
    public let image: CAppImage
    public let device: Simulation.Host
    public var network: Network { device.network }
    var process: CAppProcess?
    var tasks: [Int32: CTask] = [:]
    var nextTaskID: Int32 = 1
    var running: CTask?
    var readyTasks: [CTask] = []
    private var grantScheduled = false
    var preemptionPending = false
    var preemptBeforeNextRequest = false
    /// Why the application stopped the run (crash, assertion, busy loop…), as the one-line report.
    public private(set) var failure: String?
    /// Calls without blocking after which a task is reported as a livelock.
    public var livelockCallLimit = 100_000
    /// In a live run the application sleeps when every task is blocked (the next event is a real packet or
    /// timer, far away in wall-clock terms); in virtual time it keeps spinning, as the next event comes at once.
    public var realTime = false
    /// Asked every 100 ms while a task computes: true stops the application at once (SIGTERM to a live device).
    public var interruption: (() -> Bool)? {
        didSet { process?.interruption = interruption }
    }
    let tick: SimDuration
    var random: SeededRandom
    // Kernel objects, by the ids the application holds.
    var queues: [Int64: CQueue] = [:]
    var eventGroups: [Int64: CEventGroup] = [:]
    var timers: [Int64: CTimer] = [:]
    var socketSets: [Int64: FreeRTOSSocketSet] = [:]
    var nextObjectID: Int64 = 1
    var dueTimers: [Int64] = []
    /// Tasks that deleted themselves and that the idle task has not freed yet.
    var awaitingCleanup = 0
    var timerTaskWaiter: CWaiter?
    // The IP task: the network-up hook.
    var ipInitialised = false
    var schedulerStarted = false
    var networkUpDelivered = false
    var ipTaskWaiter: CWaiter?
    /// The address the application asked `FreeRTOS_IPInit` for (the scenario decides the real one).
    public internal(set) var requestedAddress: [UInt8] = []
    /// Task names by id, for reports.
    public var taskNames: [Int32: String] { tasks.mapValues(\.name) }

    /// `image` is the built program; its FreeRTOSConfig.h tick rate sets the kernel's tick.
    public init(image: CAppImage, device: Simulation.Host) {
        self.image = image
        self.device = device
        tick = device.stack.parameters.freeRTOS.tick
        random = device.network.makeRandom()
    }

    deinit { process?.stop() }

    /// Starts the program; its `main()` runs when the simulation next drains its tasks (at once in a live run).
    public func start() throws {
        process = try CAppProcess(path: image.path)
        process?.interruption = interruption
        let main = CTask(id: 0, name: "main", priority: Int.max)
        tasks[0] = main
        network.startTask("main") { [self] in await run(main) }
    }

    /// Ends the program (the run is over); its remaining output goes to the trace.
    public func stop() {
        flushOutput(final: true)
        process?.stop()
    }

    // MARK: - The CPU

    /// Waits until the kernel gives `task` the CPU: once no other task can run at this instant, the best ready
    /// task gets it.
    func acquire(_ task: CTask) async {
        // Nothing else can run at this instant: no task waits for the CPU and none is about to (no job queued).
        if running == nil, readyTasks.isEmpty, !network.hasQueuedTasks, failure == nil, !task.suspended {
            running = task
            return
        }
        readyTasks.append(task)
        scheduleGrant()
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in task.grant = continuation }
    }

    /// The running task blocks.
    func release(_ task: CTask) {
        if running === task { running = nil }
        task.callsWithoutBlocking = 0
        flushOutput(from: task)
        if !readyTasks.isEmpty {
            scheduleGrant()
        } else if !network.hasQueuedTasks {
            awaitingCleanup = 0  // nothing else can run: the idle task runs and frees deleted tasks
            if realTime { process?.hintIdle() }
        }
    }

    /// Lets a task of higher priority (or, for a yield, of the same priority) run first.
    func yield(_ task: CTask) async {
        release(task)
        await acquire(task)
    }

    func scheduleGrant() {
        guard !grantScheduled else { return }
        grantScheduled = true
        network.whenIdle { [self] in
            grantScheduled = false
            grant()
        }
    }

    private func grant() {
        guard running == nil, failure == nil else { return }
        var best: Int?
        for (index, task) in readyTasks.enumerated() where !task.suspended && !task.deleted {
            if let current = best, readyTasks[current].priority >= task.priority { continue }
            best = index
        }
        guard let best else { return }
        let task = readyTasks.remove(at: best)
        running = task
        let continuation = task.grant
        task.grant = nil
        continuation?.resume()
    }

    // MARK: - Tasks

    func run(_ task: CTask) async {
        task.started = true
        await acquire(task)
        var reply = CReply()
        var first = task.id == 0
        while failure == nil, !task.deleted, let process {
            let request: CRequest
            do throws(CAppStop) {
                request = first ? try process.firstRequest() : try process.exchange(resume: task.id, with: reply)
            } catch {
                fail(crashReport(error, running: task))
                return
            }
            first = false
            flushOutput(from: task)  // what it printed before this call goes before the call in the trace
            guard request.task == task.id else {
                fail("app protocol error: task #\(request.task) answered while task \"\(task.name)\" ran")
                return
            }
            task.callsWithoutBlocking += 1
            if task.callsWithoutBlocking > livelockCallLimit {
                fail("app livelock at \(timeText): task \"\(task.name)\" made \(livelockCallLimit) calls (the last: \(CRequestName.name(of: request.op))) without blocking; virtual time cannot advance")
                return
            }
            // A task created with a higher priority runs now: its creator's next call waits (the application
            // knows the new task's handle only once xTaskCreate() has returned).
            if preemptBeforeNextRequest, !task.deleted, failure == nil {
                preemptBeforeNextRequest = false
                await yield(task)
            }
            reply = await handle(request, from: task)
            if preemptionPending, !task.deleted, failure == nil {
                preemptionPending = false
                await yield(task)
            }
        }
        if running === task { release(task) }
    }

    /// Runs `body` (a blocking FreeRTOS call of the device) for `task`; the CPU goes to others only if the call
    /// really blocks.
    func blocking<T>(_ task: CTask, _ body: () async -> T) async -> T {
        var suspended = false
        device.suspensionObserver = { [unowned self] in
            suspended = true
            release(task)
        }
        let value = await body()
        if suspended {
            await acquire(task)
        } else {
            device.suspensionObserver = nil
        }
        return value
    }

    // MARK: - Failures and output

    func fail(_ message: String) {
        guard failure == nil else { return }
        failure = message
        flushOutput(final: true)
        device.log(message)
        network.halt(message)
        process?.stop()
    }

    private func crashReport(_ stop: CAppStop, running task: CTask) -> String {
        let time = timeText
        guard let fault = process?.fault else {
            switch stop {
            case .busy(let milliseconds):
                return "app busy: task \"\(task.name)\" ran \(Double(milliseconds) / 1000) s of CPU without blocking (no FreeRTOS call) at \(time)"
            case .hung(let seconds):
                return "app hung: task \"\(task.name)\" made no FreeRTOS call for \(seconds) s of wall-clock time (blocked outside FreeRTOS?) at \(time)"
            case .ended(let status) where capp_signalled(status) != 0:
                return "app crashed: \(signalName(capp_term_signal(status))) in task \"\(task.name)\" at \(time)"
            case .ended(let status):
                return "app exited with status \(capp_exit_code(status)) in task \"\(task.name)\" at \(time)"
            case .stopped:
                return "app stopped while task \"\(task.name)\" ran, at \(time)"
            }
        }
        let name = tasks[fault.task]?.name ?? task.name
        switch fault.kind {
        case TCPSIM_FAULT_STACK_OVERFLOW:
            return "app crashed: stack overflow (\(signalName(fault.signal)) in the guard page) in task \"\(name)\" at \(time)"
        case TCPSIM_FAULT_SIGNAL:
            let address = fault.signal == SIGSEGV || fault.signal == SIGBUS ? " at address 0x\(String(fault.address, radix: 16))" : ""
            return "app crashed: \(signalName(fault.signal))\(address) in task \"\(name)\" at \(time)"
        case TCPSIM_FAULT_ASSERT:
            return "app assertion failed: \(fault.text) in task \"\(name)\" at \(time)"
        default:
            return "app error: \(fault.text) at \(time)"
        }
    }

    /// Puts what the application printed into the trace, as `[task] line`: output is read whenever a task
    /// stops running, so it belongs to that task.
    func flushOutput(from task: CTask? = nil, final: Bool = false) {
        guard let process else { return }
        let name = (task ?? running).map { "[\($0.name)] " } ?? ""
        for line in process.readOutputLines(final: final) { device.log(name + line) }
    }

    /// `t=12.034000 s`, for reports.
    var timeText: String { "t=\(network.now) s" }

    // MARK: - Ticks

    /// Ticks since the start of the run (not wrapped).
    var tickNow: Int64 { (network.now - SimInstant.zero).nanoseconds / max(1, tick.nanoseconds) }

    /// The instant tick `count` begins.
    func instant(ofTick count: Int64) -> SimInstant { SimInstant.zero + tick * count }

    /// The deadline of a wait of `ticks` from now (`portMAX_DELAY`: none), on a tick boundary as FreeRTOS's
    /// delayed lists are.
    func deadline(afterTicks ticks: Int64) -> SimInstant? {
        ticks == Int64(UInt32.max) ? nil : instant(ofTick: tickNow + ticks)
    }
}
