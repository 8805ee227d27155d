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
            """)

    @Argument(help: "The capture (pcap or pcapng).")
    var capture: String

    @Option(help: "The device: IP or IP:PORT (default: the side that answered SYNs with SYN+ACK).")
    var device: String?

    @Option(help: "A BPF filter, compiled by libpcap (e.g. 'tcp port 3301').")
    var filter: String?

    @Option(help: "A FreeRTOSIPConfig.h the script names in its --config option.")
    var config: String?

    @Option(help: "Listening sockets: auto, reuse, or backlog:N.")
    var listen: String = "auto"

    func validate() throws {
        if let device, DeviceSelector(device) == nil {
            throw CLIError("--device expects IP or IP:PORT such as 192.0.2.2:3301, found '\(device)'")
        }
        guard listenMode != nil else { throw CLIError("--listen expects auto, reuse or backlog:N, found '\(listen)'") }
    }

    private var listenMode: ListenMode? { ListenMode(listen) }

    func run() throws {
        var settings = ReplaySettings()
        settings.device = device.flatMap(DeviceSelector.init)
        settings.listen = listenMode ?? .automatic
        do {
            let loaded = try Capture(path: capture, filter: filter)
            print(try ScriptConversion.script(for: loaded, settings: settings, configPath: config), terminator: "")
        } catch {
            throw CLIError("\(error)")
        }
    }
}
