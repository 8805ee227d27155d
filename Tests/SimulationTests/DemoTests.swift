import Simulation
import TCPCore
import Testing

@Suite("seed-1 demo")
struct DemoTests {
    @Test func everyClientReadsItsLineBackCaseFlipped() {
        let demo = DemoScenario()
        demo.run()
        for index in 1...3 {
            #expect(demo.replies.values["client-\(index)"] == String(decoding: flipCase(Array(DemoScenario.line(for: index).utf8)), as: UTF8.self))
        }
        #expect(demo.network.taskFailures.isEmpty, "\(demo.network.taskFailures)")
        var formatter = TimelineFormatter()
        for event in demo.network.trace { print(formatter.format(event)) }
    }
}
