import ArgumentParser

/// `tcpsim`: a deterministic TCP/IPv4 simulator that models FreeRTOS+TCP.
@main
struct TCPSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tcpsim",
        abstract: "Model FreeRTOS+TCP: run scenarios in virtual time or a live device over TUN, replay captures, step through runs.",
        discussion: """
            Every virtual-time run is deterministic: the same scenario and seed give the same timeline and a \
            byte-identical pcap.
            """,
        version: "0.1.0",
        subcommands: [StallCommand.self, RunCommand.self, CCCommand.self, DemoCommand.self, DeviceCommand.self, ReplayCommand.self, ConvertCommand.self, StepCommand.self, ConfigCommand.self])

    /// Compiler-style joined flags (`-DNAME=VALUE`, `-Idir`) are split before parsing, as a C compiler takes them.
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "cc" { arguments = CCCommand.splittingJoinedFlags(arguments) }
        main(arguments)
    }
}
