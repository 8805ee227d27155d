import ArgumentParser
import CApp
import Devices
import PcapIO
import SimClock
import IPConfig
import Simulation

/// Options shared by the commands that run a simulation.
struct RunOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Seed for every random choice (ISNs, ports, faults).")
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "One-way link delay in milliseconds.")
    var delay: Double = 0.5

    @Option(parsing: .unconditional, help: "Percentage of packets lost on each link (0-100).")
    var loss: Double = 0

    @Option(parsing: .unconditional, help: "Percentage of packets duplicated on each link (0-100).")
    var duplicate: Double = 0

    @Option(parsing: .unconditional, help: "Percentage of packets held back 5 ms so later ones overtake them (0-100).")
    var reorder: Double = 0

    @Flag(help: "Print raw sequence numbers instead of numbers relative to each side's ISN (tcpdump -S).")
    var absoluteSequenceNumbers = false

    @Flag(name: .shortAndLong, help: "Print only the summary, not the timeline.")
    var quiet = false

    func validate() throws {
        for (name, value) in [("--loss", loss), ("--duplicate", duplicate), ("--reorder", reorder)] {
            guard (0...100).contains(value) else {
                throw CLIError("\(name) expects a percentage from 0 to 100, found \(value)")
            }
        }
        guard delay >= 0 && delay <= 60_000 else {
            throw CLIError("--delay expects milliseconds from 0 to 60000, found \(delay)")
        }
    }

    var linkDelay: SimDuration { .seconds(delay / 1000) }

    var faultPlan: FaultPlan? {
        guard loss > 0 || duplicate > 0 || reorder > 0 else { return nil }
        var plan = FaultPlan()
        plan.dropProbability = loss / 100
        plan.duplicateProbability = duplicate / 100
        plan.reorderProbability = reorder / 100
        return plan
    }
}

/// Opens the pcap file a command writes, with a one-line error if it cannot.
func openCapture(_ path: String) throws -> PcapFileWriter {
    do {
        return try PcapFileWriter(path: path)
    } catch {
        throw CLIError("\(error)")
    }
}

/// Reads a FreeRTOSIPConfig.h; its warnings go to stderr as `FILE:LINE:COL: warning: …`.
func loadIPConfig(_ path: String) throws -> IPConfig {
    let header = IPConfigHeader(parsing: try readConfigHeader(path), fileName: path)
    var standardError = StandardError()
    for diagnostic in header.diagnostics { print(diagnostic, to: &standardError) }
    return header.config
}

/// A configuration header's text: at most 1 MiB and 100,000 macro definitions (a real one has a few hundred).
func readConfigHeader(_ path: String) throws -> String {
    let text = try readConfigText(path, limit: 1 << 20, expected: "a FreeRTOSIPConfig.h")
    var definitions = 0
    for line in text.split(separator: "\n", omittingEmptySubsequences: true) where line.contains("define") {
        definitions += 1
        if definitions > 100_000 {
            throw CLIError("cannot read '\(path)': more than 100,000 macro definitions, expected a FreeRTOSIPConfig.h")
        }
    }
    return text
}

/// `--c-app PROGRAM`: the user's own FreeRTOS application (built with `tcpsim cc`) as the device's app.
struct CAppOptions: ParsableArguments {
    @Option(name: .customLong("c-app"), help: ArgumentHelp(
        "Run this FreeRTOS application, built with 'tcpsim cc', as the device's app; its FreeRTOSIPConfig.h configures the device.",
        valueName: "PROGRAM"))
    var cApp: String?

    /// The program and the device configuration its headers give (warnings printed to stderr).
    func load() throws -> (image: CAppImage, config: IPConfig)? {
        guard let cApp else { return nil }
        let image: CAppImage
        do {
            image = try CAppImage(path: cApp)
        } catch {
            throw CLIError("\(error)")
        }
        let (config, warnings) = image.deviceConfig()
        var standardError = StandardError()
        for warning in warnings { print(warning, to: &standardError) }
        return (image, config)
    }
}

/// Starts `image` on `device`; a program that cannot start is a one-line error.
func startCApp(_ image: CAppImage, on device: Simulation.Host) throws -> CApplication {
    let application = CApplication(image: image, device: device)
    do {
        try application.start()
    } catch {
        throw CLIError("\(error)")
    }
    return application
}

extension CAppImage {
    /// Starts this program on whichever device a run creates.
    var starter: ExternalAppStarter { { device in try startCApp(self, on: device) } }
}
