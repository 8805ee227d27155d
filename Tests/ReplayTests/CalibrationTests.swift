import Foundation
import Replay
import SimClock
import Testing

/// The capture's clock (`--tick-length auto`) and driver (`--driver auto`), estimated rather than given.
@Suite("replay calibration")
struct CalibrationTests {
    /// Log lines come some time after their tick began: a fixed pattern of 0–180 µs delays.
    static func observations(ticks: StrideTo<Int64>, capture: (Int64) -> Double) -> [TickEstimator.Observation] {
        ticks.enumerated().map { index, tick in
            let delay = Double((index * 37) % 10) * 20_000  // ns
            return .init(capture: SimDuration(nanoseconds: Int64(capture(tick) + delay)), tick: tick)
        }
    }

    @Test func aConstantDriftIsFoundFromTickStamps() throws {
        // 1.4 % slow: tick N starts at N × 1.014 ms (the capture starts at tick 0).
        let stamps = Self.observations(ticks: stride(from: 5, to: 60_000, by: 7)) { Double($0) * 1_014_000 }
        let (clock, firstTick) = try #require(TickEstimator.clock(from: stamps))
        for tick: Int64 in [1_000, 30_000, 59_000] {
            let model = SimInstant(nanoseconds: (tick - firstTick) * 1_000_000)
            let expected = Double(tick) * 1_014_000
            #expect(abs(Double(clock.capture(model).nanoseconds) - expected) < 300_000, "tick \(tick): \(clock)")
        }
        #expect(clock.description.contains("1.01"))
    }

    @Test func aDriftThatChangesWithinTheCaptureIsPiecewise() throws {
        // 1.4 % slow for 20,000 ticks, then exact: S8's pattern.
        func start(_ tick: Int64) -> Double {
            tick <= 20_000 ? Double(tick) * 1_014_000 : 20_000 * 1_014_000 + Double(tick - 20_000) * 1_000_000
        }
        let stamps = Self.observations(ticks: stride(from: 3, to: 80_000, by: 5_000), capture: start)
        let (clock, firstTick) = try #require(TickEstimator.clock(from: stamps))
        for tick: Int64 in [10_003, 45_003, 75_003] {
            let model = SimInstant(nanoseconds: (tick - firstTick) * 1_000_000)
            #expect(abs(Double(clock.capture(model).nanoseconds) - start(tick)) < 300_000, "tick \(tick): \(clock)")
        }
        // A constant tick would be 260 ms off at the end; each stretch has its own.
        #expect(clock.anchors.count >= 10)
    }

    @Test func anImplausibleClockPointIsRefused() {
        let clock = CaptureClock()
        #expect(clock.adding(capture: .seconds(10), model: SimInstant(nanoseconds: 10_001_000_000)) != nil)
        #expect(clock.adding(capture: .seconds(10), model: SimInstant(nanoseconds: 9_000_000_000)) == nil, "10 % off")
        #expect(clock.adding(capture: .seconds(10), model: SimInstant(nanoseconds: 11_000_000_000)) == nil)
    }

    /// Without a log, the device's own timer-driven segments (keep-alive probes) pin the clock: S8's probes at
    /// +21.29 s, +43.83 s and +66.34 s (21,000 and then 22,500 ticks apart, on a clock 1.4 % slow at first and
    /// then nearly exact) match at the default 2 ms tolerance.
    @Test func keepAliveProbesCalibrateTheTickWithoutALog() throws {
        var settings = ReplaySettings()
        settings.config = Paths.referenceConfig
        settings.app = .terminalServer(.report)
        let report = try Replay.check(try Capture(path: Paths.capture("S8-keepalive")), settings: settings)
        #expect(report.passed, "\(report.text())")
        #expect(report.matched == 9)
        #expect(report.inferences.contains { $0.hasPrefix("clock: tick 1.01") && $0.contains("timer-driven segments at 21.285628") },
                "\(report.inferences)")
        // With the tick fixed at 1 ms, the first probe is 284.6 ms early.
        settings.tickLength = .milliseconds(1)
        let fixed = try Replay.check(try Capture(path: Paths.capture("S8-keepalive")), settings: settings)
        #expect(fixed.firstDivergence?.frame == 11)
    }

    @Test func aPollingDriversGridIsFoundFromReplyTimes() {
        // Polls every 1 ms at 0.37 ms into each millisecond; answers 40–120 µs after the poll.
        var replies: [PollGrid.Reply] = []
        for k in 0..<40 {
            let request = Int64(k) * 1_700_000 + 123_000
            let poll = ((request - 370_000 + 999_999) / 1_000_000) * 1_000_000 + 370_000
            replies.append(.init(request: request, answer: poll + 40_000 + Int64(k % 5) * 20_000))
        }
        let fit = PollGrid.estimate(replies, period: 1_000_000)
        #expect(fit.consistent == fit.judged && fit.judged == 40)
        #expect(abs(fit.grid.phases[0].phase - 370_000) <= 40_000, "phase \(fit.grid.phases[0].phase)")
        // An interrupt-driven device answers 30 µs after each request: no single 1 ms grid explains that.
        let immediate = (0..<40).map { k in PollGrid.Reply(request: Int64(k) * 1_730_000 + 51_000, answer: Int64(k) * 1_730_000 + 81_000) }
        let none = PollGrid.estimate(immediate, period: 1_000_000)
        #expect(Double(none.consistent) < 0.95 * Double(none.judged))
    }

    /// S9 (1 MiB echo): the POSIX/libpcap port's driver polls once a tick; `auto` finds it from the replies.
    @Test func theBulkCaptureIsSeenAsPolled() throws {
        var settings = ReplaySettings()
        settings.config = Paths.referenceConfig
        settings.deviceLog = try DeviceLog(path: DeviceLogTests.log("S9"))
        let report = try Replay.check(try Capture(path: Paths.capture("S9-bulk")), settings: settings)
        #expect(report.inferences.contains { $0.hasPrefix("driver: poll:1ms (auto:") }, "\(report.inferences)")
        settings.driver = .immediate
        let immediate = try Replay.check(try Capture(path: Paths.capture("S9-bulk")), settings: settings)
        #expect(report.matched > immediate.matched + 100, "poll \(report.matched), immediate \(immediate.matched)")
    }
}
