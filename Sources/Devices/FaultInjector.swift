import SimClock
import TCPWire

/// Which faults a `FaultInjector` applies. Every random choice comes from the injector's seeded generator.
public struct FaultPlan: Sendable {
    /// Probability that a frame is lost.
    public var dropProbability: Double = 0
    /// Probability that a frame is delivered twice.
    public var duplicateProbability: Double = 0
    /// Probability that a frame is held back by `reorderDelay`, so later frames overtake it.
    public var reorderProbability: Double = 0
    public var reorderDelay: SimDuration = .milliseconds(5)
    /// Probability that one bit of a frame is flipped (the receiver's checksum check then drops it).
    public var corruptProbability: Double = 0
    /// Extra delay for every frame, plus a uniformly random jitter in `0 ... jitter`.
    public var delay: SimDuration = .zero
    public var jitter: SimDuration = .zero
    /// Intervals during which every frame is lost.
    public var partitions: [Range<SimInstant>] = []
    /// Drop the n-th frame (1-based) that matches a predicate.
    public var dropRules: [DropRule] = []
    /// Apply the random faults only in this direction (`nil`: both).
    public var direction: LinkDirection?

    public init() {}

    /// Drop the `nth` TCP segment that satisfies `matches`.
    public struct DropRule: Sendable {
        public var nth: Int
        public var label: String
        public var matches: @Sendable (TCPPacket) -> Bool
        public init(nth: Int, label: String, matches: @escaping @Sendable (TCPPacket) -> Bool) {
            self.nth = nth
            self.label = label
            self.matches = matches
        }
    }
}

/// Link middleware that loses, duplicates, reorders, delays and corrupts frames, deterministically.
public final class FaultInjector: LinkStage {
    public var plan: FaultPlan
    private var random: SeededRandom
    private var matchCounts: [Int]
    /// Called for every fault applied, with a one-line description (for the trace).
    public var onFault: ((String, Frame) -> Void)?
    public private(set) var faults = 0

    public init(plan: FaultPlan, seed: UInt64) {
        self.plan = plan
        random = SeededRandom(seed: seed)
        matchCounts = Array(repeating: 0, count: plan.dropRules.count)
    }

    public func process(_ frame: Frame, emit: (Frame) -> Void) {
        if plan.partitions.contains(where: { $0.contains(frame.time) }) {
            return report("dropped (partition)", frame)
        }
        if let rule = matchingDropRule(frame) {
            return report("dropped (\(rule))", frame)
        }
        guard plan.direction == nil || plan.direction == frame.direction else { return emit(frame) }
        if random.chance(plan.dropProbability) { return report("dropped (random loss)", frame) }
        var out = frame
        out.time += plan.delay
        if plan.jitter > .zero {
            out.time += SimDuration(nanoseconds: Int64(random.next() % UInt64(plan.jitter.nanoseconds + 1)))
        }
        if random.chance(plan.corruptProbability) {
            var bytes = out.bytes
            let index = Int(random.next() % UInt64(max(1, bytes.count)))
            if index < bytes.count { bytes[index] ^= UInt8(1) << UInt8(random.next() % 8) }
            out.bytes = bytes
            report("corrupted byte \(index)", out)
        }
        if random.chance(plan.reorderProbability) {
            out.time += plan.reorderDelay
            report("held back \(plan.reorderDelay) (reorder)", out)
        }
        emit(out)
        if random.chance(plan.duplicateProbability) {
            report("duplicated", out)
            emit(out)
        }
    }

    private func matchingDropRule(_ frame: Frame) -> String? {
        guard !plan.dropRules.isEmpty, let packet = frame.parsedPacket else { return nil }
        for (index, rule) in plan.dropRules.enumerated() where rule.matches(packet) {
            matchCounts[index] += 1
            if matchCounts[index] == rule.nth { return "\(rule.label) #\(rule.nth)" }
        }
        return nil
    }

    private func report(_ what: String, _ frame: Frame) {
        faults += 1
        onFault?(what, frame)
    }
}
