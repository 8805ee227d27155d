import ArgumentParser
import Replay

/// `tcpsim convert`: a capture as a script in the scenario language.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Write a capture as an editable scenario script (packetdrill syntax) for 'tcpsim run'.",
        discussion: """
            The peer's segments become '<' lines, the device's '>' lines, with sequence numbers relative to \
            each side's ISN; the device app's calls (socket, bind, listen, accept, recv, send, shutdown, close) \
            are inferred as 'tcpsim replay' infers them. One device port per script: pick it with --filter or \
            --device IP:PORT. The script goes to standard output.

            Examples:
              tcpsim convert pcaps/S1-basic.pcap > s1.pkt
              tcpsim convert capture.pcapng --filter 'tcp port 3301' > case.pkt && tcpsim run case.pkt
            """)

    @OptionGroup var source: CaptureOptions

    @Option(help: "A FreeRTOSIPConfig.h the script names in its --config option.")
    var config: String?

    func run() throws {
        var settings = ReplaySettings()
        settings.device = source.selector
        settings.listen = source.listenMode
        do {
            let loaded = try Capture(path: source.capture, filter: source.filter)
            print(try ScriptConversion.script(for: loaded, settings: settings, configPath: config), terminator: "")
        } catch {
            throw CLIError("\(error)")
        }
    }
}

/// The options `tcpsim replay` and `tcpsim convert` share: which capture, which part of it, which device.
struct CaptureOptions: ParsableArguments {
    @Argument(help: "The capture (pcap or pcapng).")
    var capture: String

    @Option(help: "The device: IP or IP:PORT (default: the side that answered SYNs with SYN+ACK).")
    var device: String?

    @Option(help: "A BPF filter, compiled by libpcap (e.g. 'tcp port 3301').")
    var filter: String?

    @Option(help: "Listening sockets of the inferred app: auto, reuse, or backlog:N.")
    var listen: String = "auto"

    func validate() throws {
        if let device, DeviceSelector(device) == nil {
            throw CLIError("--device expects IP or IP:PORT such as 192.0.2.2:3301, found '\(device)'")
        }
        guard ListenMode(listen) != nil else { throw CLIError("--listen expects auto, reuse or backlog:N, found '\(listen)'") }
    }

    var selector: DeviceSelector? { device.flatMap(DeviceSelector.init) }
    var listenMode: ListenMode { ListenMode(listen) ?? .automatic }
}
