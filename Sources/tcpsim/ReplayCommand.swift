import ArgumentParser
import CApp
import Foundation
import PcapIO
import Replay
import Scenario
import SimClock
import Simulation

/// `tcpsim replay`: plays a capture's peers against the model and checks the device's side.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a pcap/pcapng capture against the FreeRTOS+TCP model and compare the device's segments.",
        discussion: """
            The capture's peers are played to a simulated FreeRTOS+TCP device in virtual time, at their captured \
            times, with acknowledgement numbers moved onto the model's ISN. The device's application is inferred \
            from what the device sent (and the --device-log, when given): a listening socket on each port that \
            accepted connections, with REUSE_LISTEN when SYNs were refused with RST while one connection was open \
            or a backlog when connections overlapped (see --listen); send() of each new piece of data at the time \
            it left; shutdown() where the device sent the first FIN; recv() until negative, then closesocket(); \
            and a silent closesocket() before a connection the device answered with RST. The device's tick length \
            and driver are estimated too (--tick-length, --driver). The report lists each inference with its \
            evidence. Each device segment is compared with the model's: flags, relative seq/ack, length, \
            payload, timing (--tolerance), and optionally window and options. Exit status 0 when all match.

            Link types: Ethernet (with VLAN tags), raw IPv4, Linux SLL and SLL2, loopback. ARP, IPv6, UDP and \
            IP fragments are counted and skipped.

            Examples:
              tcpsim replay pcaps/S1-basic.pcap --config Fixtures/configs/terminal-server.h
              tcpsim replay capture.pcapng --device 192.0.2.2:3301 --tolerance 5ms --pcap model.pcap
              tcpsim replay pcaps/S8-keepalive.pcap --app terminal-server --device-log pcaps/logs/S8.log
              tcpsim replay capture.pcapng --c-app ./server
            """)

    @OptionGroup var source: CaptureOptions

    @Flag(help: "List the capture's connections and the device, then stop.")
    var list = false

    @Option(help: "A FreeRTOSIPConfig.h for the model (see 'tcpsim config').")
    var config: String?

    @Option(help: "Timing tolerance: 2ms (default), 500us, 0.1s, or a percentage of the time since the connection's previous segment (10%).")
    var tolerance: String = "2ms"

    @Option(help: "The device's app: inferred (default) or terminal-server[:VARIANT], the app of the reference captures.")
    var app: String = "inferred"

    @Option(help: "A script in the scenario language whose calls and assertions are the device's app (no packets).")
    var actions: String?

    @Option(help: ArgumentHelp(
        "How long the device's 1 ms tick lasted on the capture's clock: auto (default: from the --device-log's tick stamps, else from the device's keep-alive, hang-protection and retransmission timing, piecewise when it drifts) or a duration from 0.5ms to 2ms such as 1.00135ms.",
        valueName: "auto|DURATION"))
    var tickLength: String = "auto"

    @Option(help: ArgumentHelp(
        "How the device's interface delivers received frames: auto (default: from the device's reply times), immediate, or poll:1ms (the FreeRTOS POSIX/libpcap port polls once a tick, so frames wait for the next tick and arrive together).",
        valueName: "auto|immediate|poll:PERIOD"))
    var driver: String = "auto"

    @Flag(help: "Compare window fields too.")
    var compareWindow = false

    @Flag(help: "Compare TCP options too.")
    var compareOptions = false

    @Option(name: .long, help: "Write the model's run to this pcap (on the capture's clock, to open beside it).")
    var pcap: String?

    @OptionGroup var cAppOptions: CAppOptions

    @Option(name: .customLong("device-log"), help: ArgumentHelp(
        "The device's FreeRTOS+TCP debug log ('Socket 3301 -> [192.0.2.1]:54614 State eESTABLISHED->eFIN_WAIT_1' lines): its state changes are checked against the model's.",
        valueName: "FILE"))
    var deviceLog: String?

    @Option(help: "Output format: text or json.")
    var format: String = "text"

    func validate() throws {
        guard ReplayTolerance(tolerance) != nil else {
            throw CLIError("--tolerance expects a time such as 2ms, 500us or 0.1s, or a percentage such as 10%, found '\(tolerance)'")
        }
        guard parsedTickLength != nil else {
            throw CLIError("--tick-length expects auto or a duration from 0.5ms to 2ms such as 1.00135ms, found '\(tickLength)'")
        }
        guard ReplayDriver(driver) != nil else {
            throw CLIError("--driver expects auto, immediate or poll:PERIOD with a period from 1ms to 100ms (such as poll:1ms), found '\(driver)'")
        }
        guard parsedApp != nil else {
            throw CLIError("--app expects inferred or terminal-server[:\(TerminalServerVariant.allCases.map(\.rawValue).joined(separator: "|"))], found '\(app)'")
        }
        guard format == "text" || format == "json" else { throw CLIError("--format expects text or json, found '\(format)'") }
    }

    /// `.some(nil)` for auto.
    private var parsedTickLength: SimDuration?? {
        if tickLength == "auto" { return .some(nil) }
        guard case .absolute(let tick)? = ReplayTolerance(tickLength), tick >= .microseconds(500), tick <= .milliseconds(2)
        else { return nil }
        return .some(tick)
    }

    private var parsedApp: ReplayApp? {
        if app == "inferred" { return .inferred }
        let parts = app.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.first == "terminal-server" else { return nil }
        guard let variant = TerminalServerVariant(rawValue: parts.count > 1 ? parts[1] : "report") else { return nil }
        return .terminalServer(variant)
    }


    func run() throws {
        let loaded: Capture
        do {
            loaded = try Capture(path: source.capture, filter: source.filter)
        } catch {
            throw CLIError("\(error)")
        }
        var settings = ReplaySettings()
        settings.device = source.selector
        if let config { settings.config = try loadIPConfig(config) }
        settings.tolerance = ReplayTolerance(tolerance) ?? .default
        settings.listen = source.listenMode
        settings.app = parsedApp ?? .inferred
        settings.tickLength = parsedTickLength ?? nil
        settings.driver = ReplayDriver(driver) ?? .automatic
        if let actions {
            let text = try readConfigText(actions)
            do {
                settings.app = .actions(try Script.parse(text, file: actions), file: actions)
            } catch {
                throw CLIError("\(error)")
            }
        }
        let cApp = try cAppOptions.load()
        if let cApp {
            if config != nil {
                throw CLIError("--config and --c-app both configure the device: the C application's FreeRTOSIPConfig.h does; drop --config")
            }
            settings.config = cApp.config
            settings.app = .external("\(cApp.image.path) (your FreeRTOS application)", start: cApp.image.starter)
        }
        if let deviceLog {
            do {
                settings.deviceLog = try DeviceLog(path: deviceLog)
            } catch {
                throw CLIError("\(error)")
            }
        }
        settings.compareWindow = compareWindow
        settings.compareOptions = compareOptions
        if list {
            do {
                let conversations = try Conversations(loaded, device: settings.device)
                for line in conversations.listing(loaded) { print(line) }
            } catch {
                throw CLIError("\(error)")
            }
            return
        }
        let writer: PcapFileWriter?
        do {
            writer = try pcap.map { path throws(PcapError) in try PcapFileWriter(path: path, epochSeconds: loaded.epochSeconds) }
        } catch {
            throw CLIError("\(error)")
        }
        let report: ReplayReport
        do {
            report = try Replay.check(loaded, settings: settings, modelCapture: writer)
        } catch {
            throw CLIError("\(error)")
        }
        try writer?.close()
        if format == "json" {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.text())
        }
        if !report.passed { throw ExitCode(1) }
    }
}
