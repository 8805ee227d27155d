import Devices
import Foundation
import PcapIO
import SimClock
import Simulation
import TCPCore

/// `swift run -c release tcpsim-bench [name…]`: prints the performance figures the issues ask for.
/// Wall-clock time is read here only, never inside the simulator.
@main
struct Benchmark {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let selected = Set(arguments.filter { !$0.hasPrefix("-") })
        func wants(_ name: String) -> Bool { selected.isEmpty || selected.contains(name) }
        if wants("bulk") { bulk() }
        if wants("demo") { demo() }
        if let lossy = arguments.first(where: { $0.hasPrefix("--lossy-seed=") }) {
            lossySeed(UInt64(lossy.dropFirst("--lossy-seed=".count)) ?? 0)
        }
    }

    static func measure(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// In-memory bulk transfer between two stacks, MSS 1460, no loss: segments (data and ACKs) per second.
    static func bulk() {
        let size = (Int(ProcessInfo.processInfo.environment["BENCH_MIB"] ?? "") ?? 64) << 20
        let run = BulkTransferScenario(size: size, duplex: false)
        run.network.recordsTrace = false
        let seconds = measure { run.run() }
        let segments = run.segmentsDelivered
        print(String(format: "bulk: %d MiB one way, %d segments in %.3f s wall = %.0f segments/s (%.1f MiB/s simulated payload), exact: %@",
                     size >> 20, segments, seconds, Double(segments) / seconds, Double(size) / seconds / 1048576,
                     run.isExact ? "yes" : "NO"))
    }

    /// The demo scenario end to end, with its pcap written, best of 20 runs.
    static func demo() {
        var best = Double.infinity
        let path = NSTemporaryDirectory() + "tcpsim-bench-demo.pcap"
        for _ in 0..<20 {
            let seconds = measure {
                guard let capture = try? PcapFileWriter(path: path) else { return }
                let scenario = DemoScenario { [PcapRecorder(sink: capture)] }
                scenario.run()
                try? capture.close()
            }
            best = min(best, seconds)
        }
        try? FileManager.default.removeItem(atPath: path)
        print(String(format: "demo: end to end (3 clients, pcap written) in %.2f ms wall (best of 20)", best * 1000))
    }

    static func lossySeed(_ seed: UInt64) {
        var plan = FaultPlan()
        plan.dropProbability = 0.10
        plan.duplicateProbability = 0.10
        plan.reorderProbability = 0.10
        let run = BulkTransferScenario(size: 1 << 20, seed: seed, faults: plan)
        run.network.recordsTrace = CommandLine.arguments.contains("--trace")
        let seconds = measure { run.run() }
        var formatter = TimelineFormatter()
        for event in run.network.trace {
            let line = formatter.format(event)
            if event.time > .zero + .seconds(9) && !line.contains("recv") || line.contains("→") { print(line) }
        }
        print("lossy seed \(seed): exact \(run.isExact), server got \(run.receivedByServer.count), client got \(run.receivedByClient.count), virtual \(run.network.now) s, events \(run.network.eventsProcessed), wall \(seconds) s")
    }
}
