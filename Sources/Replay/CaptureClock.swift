import SimClock

/// How the device's ticks lay on the capture's clock: a piecewise-linear map between capture time (since the
/// capture's first frame) and model time (the model's ticks are whole milliseconds of model time).
///
/// The FreeRTOS POSIX port ticks from a host thread that runs slow, and unevenly (the reference captures drift
/// 0.1–1.4 %, and S8's drift changes within the capture), so its timers fire later on the capture's clock than
/// their tick counts say. A replay runs the model in ticks and maps every instant through this clock.
public struct CaptureClock: Sendable, Equatable, CustomStringConvertible {
    /// A point where the two clocks are known to agree, in nanoseconds.
    public struct Anchor: Sendable, Equatable {
        public var capture: Int64
        public var model: Int64

        public init(capture: Int64, model: Int64) {
            self.capture = capture
            self.model = model
        }
    }

    /// In increasing order of both times; never empty.
    public private(set) var anchors: [Anchor]
    /// Capture nanoseconds per model nanosecond outside the anchors (the tick's length in milliseconds).
    public private(set) var slope: Double

    /// One tick lasts `tick` on the capture's clock, counted from the capture's first frame (model time 0).
    public init(tick: SimDuration = .milliseconds(1)) {
        slope = Double(tick.nanoseconds) / 1e6
        anchors = [Anchor(capture: 0, model: 0)]
    }

    /// Through `anchors` (sorted and made increasing here: an anchor that would run a clock backwards or more
    /// than 3 % off the nominal tick is dropped), with `slope` beyond the ends (the last stretch's if nil).
    public init(anchors: [Anchor], slope: Double? = nil) {
        var kept: [Anchor] = []
        for anchor in anchors.sorted(by: { $0.capture < $1.capture }) {
            if let last = kept.last {
                guard anchor.model > last.model, anchor.capture > last.capture else { continue }
                let stretch = Double(anchor.capture - last.capture) / Double(anchor.model - last.model)
                guard Self.plausible.contains(stretch) else { continue }
            }
            kept.append(anchor)
        }
        self.anchors = kept.isEmpty ? [Anchor(capture: 0, model: 0)] : kept
        if let slope {
            self.slope = slope
        } else if kept.count >= 2 {
            let (a, b) = (kept[kept.count - 2], kept[kept.count - 1])
            self.slope = Double(b.capture - a.capture) / Double(b.model - a.model)
        } else {
            self.slope = 1
        }
    }

    /// Tick lengths (ms) a device clock can plausibly have against the capture's clock.
    static let plausible = 0.97...1.03

    /// The model's instant for a capture time.
    public func model(_ capture: SimDuration) -> SimInstant {
        let c = capture.nanoseconds
        let (a, stretch) = segment { $0.capture <= c }
        return SimInstant(nanoseconds: max(0, a.model + Int64((Double(c - a.capture) / stretch).rounded())))
    }

    /// The capture time of a model instant.
    public func capture(_ model: SimInstant) -> SimDuration {
        let m = model.nanoseconds
        let (a, stretch) = segment { $0.model <= m }
        return SimDuration(nanoseconds: a.capture + Int64((Double(m - a.model) * stretch).rounded()))
    }

    /// The anchor a time measures from (the last at or before it, else the first) and its stretch's slope.
    private func segment(_ isBefore: (Anchor) -> Bool) -> (Anchor, Double) {
        var low = 0
        var high = anchors.count - 1
        guard isBefore(anchors[0]) else { return (anchors[0], firstSlope) }
        while low < high {
            let middle = (low + high + 1) / 2
            if isBefore(anchors[middle]) { low = middle } else { high = middle - 1 }
        }
        return (anchors[low], low + 1 < anchors.count ? stretch(low) : slope)
    }

    private func stretch(_ index: Int) -> Double {
        let (a, b) = (anchors[index], anchors[index + 1])
        return Double(b.capture - a.capture) / Double(b.model - a.model)
    }

    private var firstSlope: Double { anchors.count >= 2 ? stretch(0) : slope }

    /// The clock with one more point where the model's instant `model` is known to be capture time `capture`;
    /// nil when that point is implausible (it would run the clock backwards or more than 3 % off).
    public func adding(capture: SimDuration, model: SimInstant) -> CaptureClock? {
        let anchor = Anchor(capture: capture.nanoseconds, model: model.nanoseconds)
        let refined = CaptureClock(anchors: anchors + [anchor], slope: nil)
        return refined.anchors.contains(anchor) ? refined : nil
    }

    /// The tick's length, as `tick 1.00135 ms`, `tick 1.01441 ms, then 1.00018 ms from 19.6 s`, or for many
    /// stretches `tick 1.00468 ms on average (0.99700–1.01840 ms over 14 stretches)`.
    public var description: String {
        func ms(_ value: Double) -> String {
            let text = String(Int((value * 100_000).rounded()))
            return "\(text.dropLast(5).isEmpty ? "0" : String(text.dropLast(5))).\(text.suffix(5)) ms"
        }
        guard anchors.count >= 2 else { return "tick \(ms(slope))" }
        let stretches = (0..<anchors.count - 1).map(stretch)
        if stretches.count > 3, let low = stretches.min(), let high = stretches.max() {
            let (a, b) = (anchors[0], anchors[anchors.count - 1])
            let average = Double(b.capture - a.capture) / Double(b.model - a.model)
            return "tick \(ms(average)) on average (\(ms(low).dropLast(3))–\(ms(high)) over \(stretches.count) stretches)"
        }
        var parts: [String] = []
        for (index, value) in stretches.enumerated() {
            let start = SimDuration(nanoseconds: anchors[index].capture)
            parts.append(parts.isEmpty ? "tick \(ms(value))" : "\(ms(value)) from \(start.secondsText) s")
        }
        if abs(stretches[stretches.count - 1] - slope) >= 0.00005 { parts.append("\(ms(slope)) after") }
        return parts.joined(separator: ", then ")
    }
}

/// Estimates a capture's clock from points where a device tick number was seen at a capture time (a device
/// log's `EPOCH tick=N` lines).
public enum TickEstimator {
    /// A device tick count seen at a capture time: the tick had started by then.
    public struct Observation: Sendable, Equatable {
        public var capture: SimDuration
        public var tick: Int64

        public init(capture: SimDuration, tick: Int64) {
            self.capture = capture
            self.tick = tick
        }
    }

    /// The clock whose model milliseconds are the observed ticks, the first tick of the capture being model
    /// 1 ms (`firstTick` is then the device's tick number of model 0).
    ///
    /// A line is logged some time after its tick began, so the estimate follows the lower envelope: per window
    /// of `window` ticks, the observation logged soonest after its tick (least capture time against nominal
    /// 1 ms ticks; a window's drift is far smaller than the logging delays it tells apart) is the window's anchor. Windows apart by long silences get their own anchors, so
    /// a drift that changes within the capture becomes piecewise.
    public static func clock(from observations: [Observation], window: Int64 = 200) -> (clock: CaptureClock, firstTick: Int64)? {
        let sorted = observations.sorted { ($0.tick, $0.capture) < ($1.tick, $1.capture) }
        guard let first = sorted.first, let last = sorted.last else { return nil }
        let span = last.tick - first.tick
        let rate = span > 0 ? Double((last.capture - first.capture).nanoseconds) / Double(span) / 1e6 : 1
        let average = CaptureClock.plausible.contains(rate) ? rate : 1
        var chosen: [Observation] = []
        var windowStart = first.tick
        var best: Observation?
        func residual(_ o: Observation) -> Double { Double(o.capture.nanoseconds) - Double(o.tick) * 1e6 }
        for observation in sorted {
            if observation.tick >= windowStart + window, let candidate = best {
                chosen.append(candidate)
                best = nil
                windowStart = observation.tick
            }
            if best == nil || residual(observation) < residual(best!) { best = observation }
        }
        if let best { chosen.append(best) }
        // The tick at the capture's first frame: the first anchor's tick minus the ticks since, so model 0 is
        // at or before the first frame.
        let head = chosen[0]
        let before = Int64((Double(head.capture.nanoseconds) / (average * 1e6)).rounded(.up))
        let firstTick = head.tick - max(0, before) - 1
        let anchors = chosen.map {
            CaptureClock.Anchor(capture: $0.capture.nanoseconds, model: ($0.tick - firstTick) * 1_000_000)
        }
        return (CaptureClock(anchors: anchors, slope: anchors.count >= 2 ? nil : average), firstTick)
    }
}
