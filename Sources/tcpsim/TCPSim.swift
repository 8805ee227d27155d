import ArgumentParser

/// `tcpsim`: a deterministic TCP/IPv4 simulator that models FreeRTOS+TCP.
@main
struct TCPSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tcpsim",
        abstract: "Simulate TCP connections deterministically in virtual time, and capture them as pcap.",
        discussion: """
            Every run is deterministic: the same scenario and seed give the same timeline and a \
            byte-identical pcap.
            """,
        version: "0.1.0",
        subcommands: [StallCommand.self, RunCommand.self, DemoCommand.self, DeviceCommand.self, ReplayCommand.self, ConvertCommand.self, StepCommand.self, ConfigCommand.self])
}
