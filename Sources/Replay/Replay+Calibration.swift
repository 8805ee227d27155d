import SimClock
import TCPWire

/// The capture's clock and driver: how the device's ticks and its receive path lay on the capture's clock,
/// given, or estimated from the device log and the capture.
struct Calibration {
    var clock: CaptureClock
    var grid: PollGrid?
    /// `clock: …` and `driver: …` lines for the report.
    var notes: [String]
    /// Whether the clock can still be refined from the model's timer-driven segments (no tick length given
    /// and no log to read it from).
    var refinable: Bool
    /// Whether the clock came from the device log's tick stamps.
    var fromLog = false

    init(capture: Capture, conversations: Conversations, settings: ReplaySettings) {
        notes = []
        refinable = false
        if let tick = settings.tickLength {
            clock = CaptureClock(tick: tick)
            notes.append("clock: device tick \(tick) (given)")
        } else if let log = settings.deviceLog, let estimate = Self.logClock(log, capture) {
            clock = estimate.clock
            refinable = true
            fromLog = true
            notes.append("clock: \(estimate.clock) (from \(estimate.stamps) tick stamps of \(log.path))")
        } else {
            clock = CaptureClock()
            refinable = true
        }
        let replies = Self.replies(capture, conversations, clock)
        let period: Int64
        switch settings.driver {
        case .immediate:
            notes.append("driver: immediate (given)")
            return
        case .poll(let given): period = given.nanoseconds
        case .automatic: period = 1_000_000
        }
        let fit = PollGrid.estimate(replies, period: period)
        let evidence = "\(fit.consistent) of \(fit.judged) prompt replies came after a poll of the \(SimDuration(nanoseconds: period)) grid"
        if case .poll = settings.driver {
            grid = fit.grid
            notes.append("driver: poll:\(SimDuration(nanoseconds: period)) (given; \(evidence))")
        } else if fit.judged >= 8, Double(fit.consistent) >= 0.95 * Double(fit.judged) {
            grid = fit.grid
            notes.append("driver: poll:1ms (auto: \(evidence))")
        } else {
            notes.append("driver: immediate (auto: \(fit.judged < 8 ? "too few bursts of replies to see a polling driver" : evidence))")
        }
    }

    /// The clock the log's `EPOCH tick=N` stamps give, and how many stamps there were.
    static func logClock(_ log: DeviceLog, _ capture: Capture) -> (clock: CaptureClock, stamps: Int)? {
        let observations = log.facts.clock.compactMap { stamp in
            capture.offset(ofWallClock: stamp.time).map { TickEstimator.Observation(capture: $0, tick: stamp.tick) }
        }
        guard observations.count >= 2, let estimate = TickEstimator.clock(from: observations) else { return nil }
        return (estimate.clock, observations.count)
    }

    /// Each peer segment that takes sequence space (data, SYN, FIN) and the device's first segment within 3 ms
    /// that acknowledges all of it, in model time. (In a bulk transfer the device's next segment is often data
    /// the app sent for earlier input, not an answer.)
    static func replies(_ capture: Capture, _ conversations: Conversations, _ clock: CaptureClock) -> [PollGrid.Reply] {
        var replies: [PollGrid.Reply] = []
        for conversation in conversations.list {
            var pending: [(time: SimDuration, end: SeqNumber)] = []
            for position in conversation.segments {
                let segment = capture.segments[position]
                let tcp = segment.packet.tcp
                if segment.packet.ip.source != conversation.device.address {
                    let length = tcp.payload.count + (tcp.flags.contains(.syn) ? 1 : 0) + (tcp.flags.contains(.fin) ? 1 : 0)
                    if length > 0 { pending.append((segment.time, tcp.seq + length)) }
                    continue
                }
                guard tcp.flags.contains(.ack) else { continue }
                pending.removeAll { request in
                    guard segment.time - request.time <= .milliseconds(3) else { return true }
                    guard tcp.ackNumber - request.end >= 0 else { return false }
                    replies.append(.init(request: clock.model(request.time).nanoseconds, answer: clock.model(segment.time).nanoseconds))
                    return true
                }
            }
        }
        return replies
    }

    /// The first divergence when it is only the time of a segment the device sent on a timer (more than
    /// 50 ms after anything reached it): the capture time and model instant of that segment.
    static func timerDivergence(_ rows: [ReplayRow], _ clock: CaptureClock) -> (capture: SimDuration, model: SimInstant)? {
        var lastInjected: Double = 0
        for row in rows {
            switch row.status {
            case .injected: lastInjected = row.time
            case .match: continue
            case .differs:
                guard row.differences.allSatisfy({ $0.hasPrefix("time") }), row.time - lastInjected > 0.05,
                    let modelTime = row.modelTime
                else { return nil }
                let model = clock.model(SimDuration(nanoseconds: Int64((modelTime * 1e9).rounded())))
                return (SimDuration(nanoseconds: Int64((row.time * 1e9).rounded())), model)
            case .missing, .extra: return nil
            }
        }
        return nil
    }
}
