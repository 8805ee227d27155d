import Devices
import Foundation
import PcapIO
import Replay
import SimClock
import Simulation
import IPConfig
import Scenario
import ScenarioRunner
import TCPCore
import TCPSockets
import TCPWire

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
        if wants("stall") { stall() }
        if wants("keepalive") { keepAlive() }
        if wants("scenarios") { scenarios() }
        if wants("replay") { replay() }
        if wants("capp") {
            CAppBenchmark.run(packageRoot: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().path)
        }
        // Needs root and opens a TUN interface (in a namespace of its own): only when named.
        if selected.contains("live") {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().path
            LiveBenchmark.run(packageRoot: root)
        }
        if let lossy = arguments.first(where: { $0.hasPrefix("--lossy-seed=") }) {
            lossySeed(UInt64(lossy.dropFirst("--lossy-seed=".count)) ?? 0)
        }
    }

    /// Every reference capture replayed against the model (the bulk echo S9 has 1,468 TCP segments), best of 5.
    static func replay() {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let names = ["S1-basic", "S2-device-close", "S3-stall", "S3b-stall-no-app-timeout", "S6-no-listener", "S8-keepalive", "S9-bulk"]
        for name in names {
            var best = Double.infinity
            var segments = 0
            for _ in 0..<5 {
                let seconds = measure {
                    if let report = try? Replay.check(capture: "\(root)/pcaps/\(name).pcap") { segments = report.rows.count }
                }
                best = min(best, seconds)
            }
            print(String(format: "replay %@: %d rows in %.2f ms wall (best of 5)", name, segments, best * 1000))
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
        let modes = ProcessInfo.processInfo.environment["BENCH_HANDLERS_ONLY"] != nil ? [true] : [false, true]
        for handlers in modes {
            let run = BulkTransferScenario(size: size, duplex: false)
            run.network.recordsTrace = false
            let seconds = measure { run.run(receiveHandlers: handlers) }
            let segments = run.segmentsDelivered
            print(String(format: "bulk (%@): %d MiB one way, %d segments in %.3f s wall = %.0f segments/s (%.1f MiB/s simulated payload), exact: %@",
                         handlers ? "receive handler" : "reader task", size >> 20, segments, seconds,
                         Double(segments) / seconds, Double(size) / seconds / 1048576, run.isExact ? "yes" : "NO"))
        }
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

    /// The stall scenario (≈ 42 s of virtual time), best of 20 runs.
    static func stall() {
        var best = Double.infinity
        var verdict = ""
        for _ in 0..<20 {
            let scenario = StallScenario()
            scenario.network.recordsTrace = false
            let seconds = measure { verdict = "\(scenario.run())" }
            best = min(best, seconds)
        }
        print(String(format: "stall: %.2f ms wall (best of 20) — %@", best * 1000, verdict))
    }

    /// 1,000 idle connections to a FreeRTOS device with keep-alive on, over 1 h of virtual time.
    static func keepAlive() {
        var rules = FreeRTOSRules.defaults
        rules.keepAliveInterval = .seconds(20)
        let network = Network(seed: 1)
        network.recordsTrace = false
        let device = network.addHost("device", address: IPv4Address(192, 0, 2, 2), parameters: .freeRTOS(rules))
        let host = network.addHost("host", address: IPv4Address(192, 0, 2, 1), parameters: .linuxLike)
        network.connect(host, device, delay: .microseconds(100))
        let count = Int(ProcessInfo.processInfo.environment["BENCH_CONNECTIONS"] ?? "") ?? 1000
        device.spawn("server") {
            let listener = device.rtosSocket()
            device.rtosBind(listener, port: 7)
            device.rtosListen(listener, backlog: count + 10)
            while true {
                guard case .accepted = await device.rtosAccept(listener) else { return }
            }
        }
        for index in 0..<count {
            network.at(.zero + .milliseconds(index)) {
                host.spawn("client") {
                    let socket = host.socket()
                    try await host.connect(socket, to: Endpoint(IPv4Address(192, 0, 2, 2), 7))
                }
            }
        }
        network.run(until: .zero + .seconds(2))
        let established = device.stack.netstat().filter { $0.state == .established }.count
        let before = network.eventsProcessed
        let seconds = measure { network.run(until: .zero + .seconds(3602)) }
        let probes = network.eventsProcessed - before
        print(String(format: "keep-alive: %d idle connections (%d established) over 1 h virtual in %.3f s wall (%d events: %d packets, %d timers)",
                     count, established, seconds, probes, network.deliveries, network.timerEvents))
    }

    /// Parses and runs every `Fixtures/scenarios/**/*.pkt` (from the current directory), then one generated
    /// 10,000-line script; best of 5 each.
    static func scenarios() {
        let manager = FileManager.default
        let root = "Fixtures/scenarios"
        let files = (manager.enumerator(atPath: root)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".pkt") }.sorted()
        let sources = files.compactMap { name -> (String, String)? in
            guard let text = try? String(contentsOfFile: root + "/" + name, encoding: .utf8) else { return nil }
            return (name, text)
        }
        func run(_ name: String, _ source: String) -> Bool {
            guard let script = try? Script.parse(source, file: name) else { return false }
            let defaultPersonality: Scenario.Personality = name.hasPrefix("packetdrill/") ? .rfc : .freertos
            guard let runner = try? ScriptRunner(script: script, file: name, config: { path in
                IPConfigHeader(parsing: (try? String(contentsOfFile: path, encoding: .utf8)) ?? "", fileName: path).config
            }, defaultPersonality: defaultPersonality) else { return false }
            runner.network.recordsTrace = false
            return runner.run().passed
        }
        var best = Double.infinity
        var passed = 0
        for _ in 0..<5 {
            var count = 0
            best = min(best, measure { count = sources.filter { run($0.0, $0.1) }.count })
            passed = count
        }
        print(String(format: "scenarios: %d fixtures parsed and run in %.1f ms wall (best of 5; %d passed)",
                     sources.count, best * 1000, passed))
        var lines = [
            "--personality=freertos",
            "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
            "+0 setsockopt(3, SOL_SOCKET, FREERTOS_SO_REUSE_LISTEN_SOCKET, [1], 4) = 0",
            "+0 bind(3, ..., 3301) = 0",
            "+0 listen(3, 1) = 0",
            "+0.1 < S 0:0(0) win 64240 <mss 1460>",
            "+0 > S. 0:0(0) ack 1 <...>",
            "+0.01 < . 1:1(0) ack 1 win 502",
            "+0 accept(3, ..., ...) = 3",
        ]
        var seq = 1
        while lines.count < 10_000 {
            lines.append("+0.01 < P. \(seq):\(seq + 10)(10) ack 1 win 502")
            lines.append("+0 > . 1:1(0) ack \(seq + 10)")
            lines.append("+0 recv(3, ..., 100) = 10")
            seq += 10
        }
        let big = lines.joined(separator: "\n") + "\n"
        var bestBig = Double.infinity
        var bigPassed = false
        for _ in 0..<5 { bestBig = min(bestBig, measure { bigPassed = run("big.pkt", big) }) }
        print(String(format: "scenarios: a %d-line script parsed and run in %.1f ms wall (best of 5; %@)",
                     lines.count, bestBig * 1000, bigPassed ? "passed" : "FAILED"))
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
