import ArgumentParser
import CApp
import LiveDevice
import SimClock
import Simulation
import TCPWire

#if canImport(Glibc)
import Glibc
#endif

/// `tcpsim device`: the FreeRTOS+TCP model as a live device behind a TUN interface, for real Linux clients.
struct DeviceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device",
        abstract: "Run a simulated FreeRTOS+TCP device in real time behind a Linux TUN interface.",
        discussion: """
            The device runs the FreeRTOS personality and the same apps as in virtual time, in real time. \
            The TUN interface is the host's side of the link: it gets --host-addr, and the kernel routes \
            --addr's subnet to the device. With --netns NAME a private network namespace is created for the \
            interface (and removed on exit), so only programs started with 'ip netns exec NAME …' reach the \
            device; without it, --tun NAME is required and the interface is made in the current namespace \
            (e.g. under 'unshare -n'). The device answers ping (ipconfigREPLY_TO_INCOMING_PINGS). \
            Needs CAP_NET_ADMIN. Stops on Ctrl-C, SIGTERM or after --duration.

            Apps: terminal-server (ports 3301-3305, GET /release?port=N on port 80), echo (7), \
            discard (9), chargen (19); --app may be given more than once. With --c-app PROGRAM (built by \
            'tcpsim cc') your own FreeRTOS application is the device's app, configured by its own \
            FreeRTOSIPConfig.h.

            Examples:
              sudo tcpsim device --netns lab
              sudo tcpsim device --netns lab --app echo --pcap live.pcap
              sudo tcpsim device --netns lab --c-app ./server --duration 60
              sudo ip netns exec lab nc 192.0.2.2 3301
            """)

    @Option(name: .long, help: "An app to run: terminal-server, echo, discard or chargen (repeatable).")
    var app: [String] = []

    @Option(help: "The terminal server's variant: \(TerminalServerVariant.allCases.map(\.rawValue).joined(separator: ", ")).")
    var variant: String = "report"

    @Option(help: "A FreeRTOSIPConfig.h for the device (see 'tcpsim config').")
    var config: String?

    @Option(name: .customLong("addr"), help: "The device's address and prefix.")
    var address: String = "192.0.2.2/24"

    @Option(name: .customLong("host-addr"), help: "The host side's address (on the TUN interface).")
    var hostAddress: String = "192.0.2.1"

    @Option(help: "Create this network namespace, run the TUN interface inside it, and remove it on exit.")
    var netns: String?

    @Option(help: "The TUN interface name (required without --netns).")
    var tun: String?

    @Option(name: .long, help: "Write the live traffic to this pcap file.")
    var pcap: String?

    @Flag(help: "Print every segment too (the full timeline).")
    var trace = false

    @Flag(name: .shortAndLong, help: "Print only the start-up lines and the summary.")
    var quiet = false

    @Flag(help: "Have the kernel segment TCP itself instead of handing over 64 KiB datagrams (no segmentation offload).")
    var noOffload = false

    @Option(help: "Stop after this many seconds.")
    var duration: Double?

    @Option(parsing: .unconditional, help: "Seed for the device's ISNs and ports.")
    var seed: UInt64 = 1

    @OptionGroup var cAppOptions: CAppOptions

    func validate() throws {
        for name in app where parseApp(name) == nil {
            throw CLIError("--app expects terminal-server, echo, discard or chargen, found '\(name)'")
        }
        // One app per port: a second listener's bind would fail and its accept loop spin.
        var seen: Set<String> = []
        for name in app where !seen.insert(name).inserted {
            throw CLIError("--app \(name) is given twice; each app serves its own port, once")
        }
        guard TerminalServerVariant(rawValue: variant) != nil else {
            throw CLIError(
                "--variant expects one of \(TerminalServerVariant.allCases.map(\.rawValue).joined(separator: ", ")), found '\(variant)'")
        }
        guard netns != nil || tun != nil else {
            throw CLIError("tcpsim device needs --netns NAME (a private namespace, recommended) or --tun NAME (an interface in the current namespace)")
        }
        if let duration, !(duration > 0 && duration <= 86_400 * 365) {
            throw CLIError("--duration expects seconds above 0, found \(duration)")
        }
        if trace && quiet { throw CLIError("--trace and --quiet exclude each other") }
        _ = try parsedAddress()
        guard IPv4Address(hostAddress) != nil else {
            throw CLIError("--host-addr expects an IPv4 address such as 192.0.2.1, found '\(hostAddress)'")
        }
    }

    private func parseApp(_ name: String) -> LiveApp? {
        if name == "terminal-server" { return .terminalServer(TerminalServerVariant(rawValue: variant) ?? .report) }
        return TCPService(rawValue: name).map(LiveApp.service)
    }

    private func parsedAddress() throws -> (IPv4Address, Int) {
        let parts = address.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let device = IPv4Address(String(parts[0])),
            let prefix = parts.count == 2 ? Int(parts[1]) : 24
        else {
            throw CLIError("--addr expects ADDRESS/PREFIX such as 192.0.2.2/24, found '\(address)'")
        }
        return (device, prefix)
    }

    func run() throws {
        var settings = LiveDeviceConfiguration()
        let cApp = try cAppOptions.load()
        if cApp != nil, config != nil {
            throw CLIError("--config and --c-app both configure the device: the C application's FreeRTOSIPConfig.h does; drop --config")
        }
        let defaultApps: [LiveApp] = cApp == nil ? [.terminalServer(TerminalServerVariant(rawValue: variant) ?? .report)] : []
        settings.apps = app.isEmpty ? defaultApps : app.compactMap(parseApp)
        if let config { settings.ipConfig = try loadIPConfig(config) }
        if let cApp { settings.ipConfig = cApp.config }
        (settings.deviceAddress, settings.prefixLength) = try parsedAddress()
        settings.hostAddress = IPv4Address(hostAddress) ?? settings.hostAddress
        settings.namespace = netns
        if let tun { settings.interfaceName = tun }
        settings.pcapPath = pcap
        settings.output = quiet ? .quiet : trace ? .trace : .status
        settings.duration = duration.map { SimDuration.seconds($0) }
        settings.seed = seed
        settings.offload = !noOffload

        let device: LiveDevice
        do {
            device = try LiveDevice(settings)
        } catch {
            throw CLIError("\(error)")
        }
        defer { device.close() }
        let application = try cApp.map { try startCApp($0.image, on: device.device) }
        application?.realTime = true
        application?.interruption = { LiveDevice.stopRequested }
        defer { application?.stop() }
        let emit: (String) -> Void = { line in
            print(line)
            fflush(nil)
        }
        let place = netns.map { " in network namespace \($0)" } ?? ""
        emit("device \(settings.deviceAddress)/\(settings.prefixLength) (FreeRTOS+TCP model) on \(device.tun.name)\(place); host side \(settings.hostAddress)")
        for app in settings.apps { emit("app: \(app)") }
        if let cApp { emit("app: \(cApp.image.path) (your FreeRTOS application)") }
        emit("reach it with: \(device.reachHint)")
        emit("ready")
        let reason = device.run(print: emit)
        application?.stop()
        emit("\(reason): \(device.statistics)")
        if device.network.haltReason != nil { throw ExitCode(1) }
    }
}
