import Devices
import SimClock
import TCPCore
import TCPSockets
import TCPWire

/// Hosts, the links between them, the event queue and the trace: one deterministic run.
public final class Network: @unchecked Sendable {
    enum Event {
        /// A frame in flight, kept in `inFlight[slot]` so that the event heap moves only small values.
        case deliver(host: Int, slot: Int)
        case hostTimer(host: Int, deadline: SimInstant)
        case action(Int)
        case wake(host: Int, waiter: Int)
    }

    var scheduler = Scheduler<Event>()
    /// Frames on their way, by slot; freed slots are reused.
    var inFlight: [Frame?] = []
    var freeSlots: [Int] = []
    let executor = SimExecutor()
    public private(set) var hosts: [Host] = []
    /// Every link, in the order they were made.
    public private(set) var links: [InMemoryLink] = []
    var actions: [Int: () -> Void] = [:]
    var nextAction = 0
    var random: SeededRandom
    public let seed: UInt64

    /// Every event of the run, in order (when `recordsTrace`).
    public private(set) var trace: [TraceEvent] = []
    public var recordsTrace = true
    /// Called for each trace event as it happens (live timelines).
    public var onTrace: ((TraceEvent) -> Void)?
    /// Events processed so far, and how many of them were packet deliveries and host timers.
    public private(set) var eventsProcessed = 0
    public private(set) var deliveries = 0
    public private(set) var timerEvents = 0
    /// Errors thrown by app tasks, with the task's name.
    public private(set) var taskFailures: [(task: String, error: String)] = []
    /// Why the run was stopped (`halt(_:)`): no event is processed after it.
    public private(set) var haltReason: String?
    /// Stops app tasks whose calls never block (see `LivelockGuard`).
    var livelock = LivelockGuard()
    /// An app task outside the hosts' calls blocked (a kernel wait of the C application): others may run.
    public func noteTaskBlocked() { livelock.taskBlocked() }

    /// Calls at one instant, without any task blocking, after which the run stops as a livelock.
    public var livelockCallLimit: Int {
        get { livelock.limit }
        set { livelock.limit = newValue }
    }

    public init(seed: UInt64 = 1) {
        self.seed = seed
        random = SeededRandom(seed: seed)
    }

    /// The current virtual time.
    public var now: SimInstant { scheduler.now }

    /// Adds a host with one IPv4 address and a TCP stack of the given personality.
    @discardableResult
    public func addHost(_ name: String, address: IPv4Address, parameters: TCPParameters = .rfc9293) -> Host {
        let host = Host(name: name, index: hosts.count, address: address, parameters: parameters,
                        seed: random.next(), network: self)
        hosts.append(host)
        return host
    }

    /// Joins two hosts with a link of the given one-way delay; `stages` run on every frame.
    @discardableResult
    public func connect(_ a: Host, _ b: Host, delay: SimDuration = .microseconds(500), stages: [LinkStage] = [])
        -> InMemoryLink
    {
        let link = InMemoryLink(name: "\(a.name)-\(b.name)", delay: delay, stages: stages)
        links.append(link)
        a.routes[b.address] = (link, .forward, b.index)
        b.routes[a.address] = (link, .backward, a.index)
        return link
    }

    /// Sends what `host` addresses to hosts it has no link to over its link to `gateway` (a live device sends
    /// everything in its subnet to the TUN side).
    public func setDefaultRoute(of host: Host, via gateway: Host) {
        host.defaultRoute = host.routes[gateway.address]
    }

    /// A seeded generator for a component of this run (fault injectors, apps).
    public func makeRandom() -> SeededRandom { random.fork() }

    /// Runs `action` at virtual time `time` (or now, if that has passed).
    public func at(_ time: SimInstant, _ action: @escaping () -> Void) {
        actions[nextAction] = action
        scheduler.schedule(.action(nextAction), at: time)
        nextAction += 1
    }

    /// Starts an app task on this network's executor.
    public func spawn(_ name: String, _ body: @escaping @Sendable () async throws -> Void) {
        Task(executorPreference: executor) { [weak self] in
            do {
                try await AppTask.$name.withValue(name) { try await body() }
            } catch {
                self?.taskFailures.append((name, "\(error)"))
                self?.record(.app(time: self?.now ?? .zero, host: name, text: "task ended with error: \(error)"))
            }
        }
        executor.drain()
    }

    /// Starts an app task without running it yet: it runs when the current event's jobs are drained (safe to call
    /// from inside another task).
    public func startTask(_ name: String, _ body: @escaping @Sendable () async -> Void) {
        Task(executorPreference: executor) { await AppTask.$name.withValue(name) { await body() } }
    }

    /// Whether app tasks are queued to run at this instant (a scheduler of app tasks can then not know yet which
    /// of them are ready).
    public var hasQueuedTasks: Bool { executor.hasWork }

    /// Runs `action` once every app task that can run at this instant has run (still at this instant).
    public func whenIdle(_ action: @escaping () -> Void) { executor.whenIdle(action) }

    /// Stops the run: no further event is processed, and runners report `reason` (an app that crashed).
    /// The first reason is kept.
    public func halt(_ reason: String) {
        if haltReason == nil { haltReason = reason }
    }

    // MARK: - Running

    /// Processes the next event; returns false when none is left at or before `limit`, or the run was halted.
    @discardableResult
    public func step(notAfter limit: SimInstant = .distantFuture) -> Bool {
        executor.drain()
        guard haltReason == nil else { return false }
        guard let event = scheduler.popNext(notAfter: limit) else { return false }
        eventsProcessed += 1
        switch event {
        case .deliver(let index, let slot):
            deliveries += 1
            guard let frame = inFlight[slot] else { break }
            inFlight[slot] = nil
            freeSlots.append(slot)
            hosts[index].deliver(frame)
        case .hostTimer(let index, let deadline):
            timerEvents += 1
            hosts[index].timerFired(scheduledFor: deadline)
        case .action(let id):
            if let action = actions.removeValue(forKey: id) { action() }
        case .wake(let index, let waiter):
            hosts[index].timeout(waiter: waiter)
        }
        executor.drain()
        return true
    }

    /// Runs every event up to `time`, then sets the clock to `time`.
    public func run(until time: SimInstant) {
        while step(notAfter: time) {}
        if haltReason == nil { scheduler.advance(to: time) }
    }

    /// The time of the next queued event, if any (a real-time driver sleeps until then).
    public var nextEventTime: SimInstant? {
        executor.drain()
        return scheduler.nextDeadline
    }

    /// Runs for `duration` of virtual time from now.
    public func run(for duration: SimDuration) { run(until: now + duration) }

    /// Runs until no event is left or `limit` is reached; returns whether the queue emptied.
    @discardableResult
    public func runUntilIdle(limit: SimInstant = .distantFuture) -> Bool {
        while step(notAfter: limit) {}
        return scheduler.isEmpty
    }

    /// Runs until `condition` holds (checked after each event) or `limit` passes; returns whether it held.
    @discardableResult
    public func run(until condition: () -> Bool, limit: SimInstant) -> Bool {
        executor.drain()
        while !condition() {
            guard step(notAfter: limit) else { return condition() }
        }
        return true
    }

    // MARK: - Packets from outside

    /// Hands `bytes`, an IPv4 datagram that arrived from outside the simulation (a TUN device) on behalf of
    /// `peer`, to `host` now: through the link's stages (a pcap recorder sees it), traced, then delivered. A
    /// malformed datagram reaches the stack, which counts, notes and drops it.
    public func deliverExternal(_ bytes: [UInt8], from peer: Host, to host: Host) {
        guard let (link, direction, _) = peer.routes[host.address] else {
            record(.note(time: now, host: peer.name, StackNote(.dropped, "no link to \(host.address)")))
            return
        }
        if isTracing, let packet = try? TCPPacket(parsing: bytes[...]) {
            record(.segment(time: now, from: peer.name, to: host.name, packet: packet))
        }
        link.transmit(Frame(bytes: bytes, time: now, direction: direction)) { frame in
            if frame.time <= now {
                executor.drain()
                host.deliver(frame)
                executor.drain()
            } else {
                schedule(.deliver(host: host.index, slot: park(frame)), at: frame.time)
            }
        }
    }

    // MARK: - Plumbing for hosts

    func schedule(_ event: Event, at time: SimInstant) { scheduler.schedule(event, at: time) }

    /// Whether anyone reads the trace (building its lines costs more than simulating a segment).
    var isTracing: Bool { recordsTrace || onTrace != nil }

    func record(_ event: TraceEvent) {
        if recordsTrace { trace.append(event) }
        onTrace?(event)
    }

    /// Sends `packet` from `host` to the host that owns its destination address, through their link.
    func transmit(_ packet: TCPPacket, from host: Host) {
        let destination = packet.ip.destination
        guard let (link, direction, target) = host.routes[destination] ?? host.defaultRoute else {
            record(.note(time: now, host: host.name, StackNote(.dropped, "no route to \(destination)")))
            return
        }
        if isTracing {
            record(.segment(time: now, from: host.name, to: hosts[target].name, packet: packet))
        }
        link.transmit(Frame(packet: packet, time: now, direction: direction)) { frame in
            schedule(.deliver(host: target, slot: park(frame)), at: frame.time)
        }
    }

    /// Keeps a frame in flight until its delivery event; returns its slot (freed slots are reused).
    private func park(_ frame: Frame) -> Int {
        if let free = freeSlots.popLast() {
            inFlight[free] = frame
            return free
        }
        inFlight.append(frame)
        return inFlight.count - 1
    }
}
