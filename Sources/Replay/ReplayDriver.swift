import Devices
import SimClock

/// How the device's network interface hands received frames to the IP task.
public enum ReplayDriver: Sendable, Hashable, CustomStringConvertible {
    /// Chosen from the capture (see `PollGrid.estimate`).
    case automatic
    /// Each frame reaches the stack when it arrives (an interrupt-driven driver).
    case immediate
    /// Frames wait for a task that polls every `period` on the tick grid, then all reach the stack at once:
    /// the FreeRTOS POSIX/libpcap port's `prvInterruptSimulatorTask()` drains its receive buffer and then
    /// sleeps `configWINDOWS_MAC_INTERRUPT_SIMULATOR_DELAY` ticks (1 ms).
    case poll(SimDuration)

    /// `auto`, `immediate` or `poll:1ms` (a period from 1 to 100 ms); nil otherwise.
    public init?(_ text: String) {
        switch text {
        case "auto": self = .automatic
        case "immediate": self = .immediate
        default:
            guard text.hasPrefix("poll:"), case .absolute(let period)? = ReplayTolerance(String(text.dropFirst(5))),
                period >= .milliseconds(1), period <= .milliseconds(100)
            else { return nil }
            self = .poll(period)
        }
    }

    public var description: String {
        switch self {
        case .automatic: "auto"
        case .immediate: "immediate"
        case .poll(let period): "poll:\(period)"
        }
    }
}

/// When a polling driver looks for frames, in model time: every `period`, offset by a phase that may change
/// from one burst of traffic to the next (a drifting device clock moves the grid against the capture's).
public struct PollGrid: Sendable {
    public var period: Int64
    /// From which model instant on, which phase (nanoseconds into the period).
    public var phases: [(from: Int64, phase: Int64)] = [(0, 0)]

    /// The first poll at or after `time`.
    public func nextPoll(after time: SimInstant) -> SimInstant {
        let t = time.nanoseconds
        let phase = phases.last { $0.from <= t }?.phase ?? 0
        let k = (t - phase + period - 1).floorDivided(by: period)
        return SimInstant(nanoseconds: k * period + phase)
    }

    /// A peer frame and the device's first answer on the same connection, in model nanoseconds.
    public struct Reply: Sendable {
        public var request: Int64
        public var answer: Int64

        public init(request: Int64, answer: Int64) {
            self.request = request
            self.answer = answer
        }
    }

    /// Fits a grid to the replies: per burst (replies closer than 50 ms), the phase that puts a poll between
    /// each request and its answer for the most replies, as late as possible (answers follow polls closely).
    /// `consistent` counts the replies of bursts with at least 4 replies that the grid explains, of `judged`.
    public static func estimate(_ replies: [Reply], period: Int64) -> (grid: PollGrid, consistent: Int, judged: Int) {
        var bursts: [[Reply]] = []
        for reply in replies.sorted(by: { $0.request < $1.request }) {
            if let last = bursts.last?.last, reply.request - last.request < 50_000_000 {
                bursts[bursts.count - 1].append(reply)
            } else {
                bursts.append([reply])
            }
        }
        var grid = PollGrid(period: period, phases: [])
        var consistent = 0
        var judged = 0
        let step = max(1, period / 100)
        for burst in bursts {
            var best: (score: Int, slack: Int64, phase: Int64) = (-1, .max, 0)
            var phase: Int64 = 0
            while phase < period {
                var score = 0
                var slack: Int64 = 0
                for reply in burst {
                    let k = (reply.request - phase + period - 1).floorDivided(by: period)
                    let poll = k * period + phase
                    if poll <= reply.answer {
                        score += 1
                        slack += reply.answer - poll
                    }
                }
                if score > best.score || (score == best.score && slack < best.slack) { best = (score, slack, phase) }
                phase += step
            }
            grid.phases.append((from: grid.phases.isEmpty ? 0 : burst[0].request - period, phase: best.phase))
            if burst.count >= 4 {
                consistent += best.score
                judged += burst.count
            }
        }
        if grid.phases.isEmpty { grid.phases = [(0, 0)] }
        return (grid, consistent, judged)
    }
}

extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

/// Holds the frames toward the device until the driver's next poll.
final class PollingDriver: LinkStage {
    let grid: PollGrid
    let towardDevice: LinkDirection

    init(grid: PollGrid, towardDevice: LinkDirection) {
        self.grid = grid
        self.towardDevice = towardDevice
    }

    func process(_ frame: Frame, emit: (Frame) -> Void) {
        guard frame.direction == towardDevice else { return emit(frame) }
        var held = frame
        held.time = grid.nextPoll(after: frame.time)
        emit(held)
    }
}
