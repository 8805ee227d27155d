import CApp
import Foundation
import SimClock
import Simulation
import TCPWire

/// `tcpsim-bench capp`: the user's C application against the model — the C terminal server's shutdown stall
/// (goal ≤ 10 ms wall for ≈ 42 s of virtual time, program start included) and the cost of a task switch
/// (goal ≤ 2 µs): two tasks of one priority handing a turn back and forth with binary semaphores.
enum CAppBenchmark {
    static func run(packageRoot: String) {
        guard let stallProgram = build("terminal-server", packageRoot: packageRoot),
            let switchProgram = build("task-switch", packageRoot: packageRoot)
        else { return }
        stall(stallProgram)
        taskSwitch(switchProgram)
    }

    /// Builds `Fixtures/apps/NAME` into a temporary file with `tcpsim cc`'s builder.
    static func build(_ name: String, packageRoot: String) -> String? {
        let directory = "\(packageRoot)/Fixtures/apps/\(name)"
        let sources = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".c") }.sorted().map { "\(directory)/\($0)" }
        let output = NSTemporaryDirectory() + "tcpsim-bench-\(name)-\(getpid())"
        var build = CAppBuild(sources: sources, output: output)
        build.extraFlags = ["-O2"]
        guard (try? build.run()) == 0 else {
            print("capp: building \(name) failed")
            return nil
        }
        return output
    }

    static func stall(_ program: String) {
        guard let image = try? CAppImage(path: program) else { return }
        var best = Double.infinity
        var verdict = ""
        for _ in 0..<20 {
            let seconds = Benchmark.measure {
                // The verdict is read from the trace (what the C app called when), so the trace stays on.
                let scenario = StallScenario(externalAppWith: .freeRTOS(config: image.deviceConfig().config))
                let application = CApplication(image: image, device: scenario.device)
                do { try application.start() } catch { verdict = "\(error)"; return }
                verdict = "\(scenario.run())"
                application.stop()
            }
            best = min(best, seconds)
        }
        print(String(format: "capp stall: C terminal server, %.2f ms wall (best of 20, goal ≤ 10 ms) — %@", best * 1000, verdict))
    }

    static func taskSwitch(_ program: String) {
        guard let image = try? CAppImage(path: program) else { return }
        var best = Double.infinity
        var switches = 0
        for _ in 0..<5 {
            let network = Network(seed: 1)
            network.recordsTrace = false
            let device = network.addHost("device", address: IPv4Address(192, 0, 2, 2), parameters: .freeRTOS(config: image.deviceConfig().config))
            var done = false
            network.onTrace = { event in
                if case .app(_, _, let text) = event, text.hasPrefix("[Ping] switches: ") {
                    switches = Int(text.dropFirst("[Ping] switches: ".count)) ?? 0
                    done = true
                }
            }
            let application = CApplication(image: image, device: device)
            let seconds = Benchmark.measure {
                do { try application.start() } catch { return }
                network.run(until: { done }, limit: .zero + .seconds(10))
            }
            application.stop()
            best = min(best, seconds)
        }
        guard switches > 0 else {
            print("capp task switch: the benchmark app did not finish")
            return
        }
        print(String(format: "capp task switch: %d switches in %.1f ms wall = %.2f µs per switch (best of 5, goal ≤ 2 µs; each switch: a give and a blocking take)",
                     switches, best * 1000, best * 1e6 / Double(switches)))
    }
}
