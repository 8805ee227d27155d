import SimClock
import TCPCore
import TCPWire
import Testing

@Test func debugProbe() {
    for seed: UInt64 in [25, 27, 59] {
        var run = TwoEnds(seed: seed, lossPercent: 10)
        _ = run.run()
        for (name, c) in [("A", run.a), ("B", run.b!)] {
            print(seed, name, c.state, "una", c.send.unacknowledged, "nxt", c.send.next, "max", c.send.highestSent, "wnd", c.send.window,
                  "unsent", c.unsentCount, "buf", c.sendBuffer.count, "fin", c.finSequence as Any, "rto", c.retransmitDeadline as Any,
                  "persist", c.persistDeadline as Any, "rcvnxt", c.receive.next, "adv", c.receive.advertisedWindow, "readable", c.readableCount)
        }
    }
}
