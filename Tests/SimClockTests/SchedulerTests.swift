import SimClock
import Testing

@Suite("Scheduler")
struct SchedulerTests {
    @Test func eventsRunInDeadlineOrderThenInsertionOrder() {
        var scheduler = Scheduler<String>()
        scheduler.schedule("c", at: SimInstant(nanoseconds: 30))
        scheduler.schedule("a1", at: SimInstant(nanoseconds: 10))
        scheduler.schedule("b", at: SimInstant(nanoseconds: 20))
        scheduler.schedule("a2", at: SimInstant(nanoseconds: 10))
        scheduler.schedule("a3", at: SimInstant(nanoseconds: 10))
        var order: [String] = []
        while let event = scheduler.popNext() { order.append(event) }
        #expect(order == ["a1", "a2", "a3", "b", "c"])
    }

    @Test func theClockJumpsToEachEventsDeadline() {
        var scheduler = Scheduler<Int>()
        scheduler.schedule(1, at: .zero + .seconds(40))
        #expect(scheduler.now == .zero)
        _ = scheduler.popNext()
        #expect(scheduler.now == .zero + .seconds(40))
    }

    @Test func popNextRespectsTheLimitAndLeavesLaterEvents() {
        var scheduler = Scheduler<Int>()
        scheduler.schedule(1, at: .zero + .seconds(1))
        scheduler.schedule(2, at: .zero + .seconds(5))
        #expect(scheduler.popNext(notAfter: .zero + .seconds(2)) == 1)
        #expect(scheduler.popNext(notAfter: .zero + .seconds(2)) == nil)
        #expect(scheduler.count == 1)
        scheduler.advance(to: .zero + .seconds(2))
        #expect(scheduler.now == .zero + .seconds(2))
    }

    @Test func aDeadlineInThePastRunsNowNotBeforeNow() {
        var scheduler = Scheduler<Int>()
        scheduler.schedule(1, at: .zero + .seconds(3))
        _ = scheduler.popNext()
        scheduler.schedule(2, at: .zero + .seconds(1))
        #expect(scheduler.nextDeadline == .zero + .seconds(3))
    }

    @Test func discardNextDoesNotMoveTheClock() {
        var scheduler = Scheduler<Int>()
        scheduler.schedule(1, at: .zero + .seconds(9))
        scheduler.discardNext()
        #expect(scheduler.isEmpty)
        #expect(scheduler.now == .zero)
    }

    @Test(arguments: 0..<20 as Range<UInt64>)
    func manyRandomEventsComeOutSorted(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        var scheduler = Scheduler<Int>()
        var expected: [(Int64, Int)] = []
        for index in 0..<500 {
            let deadline = Int64(random.next() % 50)
            scheduler.schedule(index, at: SimInstant(nanoseconds: deadline))
            expected.append((deadline, index))
        }
        expected.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var popped: [Int] = []
        while let event = scheduler.popNext() { popped.append(event) }
        #expect(popped == expected.map(\.1), "seed \(seed)")
    }
}

@Suite("SeededRandom and durations")
struct RandomAndDurationTests {
    @Test func theSameSeedGivesTheSameStream() {
        var a = SeededRandom(seed: 42)
        var b = SeededRandom(seed: 42)
        var c = SeededRandom(seed: 43)
        let streamA = (0..<100).map { _ in a.next() }
        #expect(streamA == (0..<100).map { _ in b.next() })
        #expect(streamA != (0..<100).map { _ in c.next() })
    }

    @Test func chanceHonoursItsProbabilityRoughly() {
        var random = SeededRandom(seed: 7)
        let hits = (0..<10_000).filter { _ in random.chance(0.1) }.count
        #expect((800...1200).contains(hits))
        let never = random.chance(0)
        let always = random.chance(1)
        #expect(!never)
        #expect(always)
    }

    @Test func durationsPrintForHumansAndTraces() {
        #expect(SimDuration.seconds(40).description == "40.0 s")
        #expect(SimDuration.milliseconds(40_100).description == "40.1 s")
        #expect(SimDuration.milliseconds(250).description == "250 ms")
        #expect((SimInstant.zero + .microseconds(12_004_311)).description == "12.004311")
        #expect(SimDuration.seconds(0.5) == .milliseconds(500))
    }
}
