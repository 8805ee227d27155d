import Foundation
import Testing

/// Runs the built `tcpsim` executable the way a user does.
enum CLI {
    struct Result {
        var status: Int32
        var output: String
        var error: String
    }

    /// The `tcpsim` binary next to the test bundle (same build configuration).
    static var executable: URL {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [products, products.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("tcpsim")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/tcpsim")
    }

    static func run(_ arguments: [String], in directory: URL? = nil) throws -> Result {
        try runProgram(executable.path, arguments, in: directory)
    }

    /// Runs any program (a user's build) the same way.
    static func runProgram(_ path: String, _ arguments: [String] = [], in directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: outData, as: UTF8.self),
                      error: String(decoding: errData, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tcpsim-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

@Suite("tcpsim command line")
struct CLITests {
    @Test func demoPrintsTheTimelineAndWritesAPcap() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CLI.run(["demo"], in: directory)
        #expect(result.status == 0, "\(result.error)")
        // Both names of every state, with causes.
        #expect(result.output.contains("eSYN_RECEIVED → eESTABLISHED [SYN-RECEIVED → ESTABLISHED] (received ACK of SYN)"))
        #expect(result.output.contains("eFIN_WAIT_2 → eTIME_WAIT [FIN-WAIT-2 → TIME-WAIT] (received FIN)"))
        #expect(result.output.contains("eTIME_WAIT → eCLOSED [TIME-WAIT → CLOSED] (TIME-WAIT 2·MSL expired)"))
        #expect(result.output.contains("eCLOSE_WAIT → eLAST_ACK [CLOSE-WAIT → LAST-ACK] (close())"))
        // Segments in tcpdump style, and socket calls with results.
        #expect(result.output.contains("192.0.2.2.1205 > 192.0.2.11."))
        #expect(result.output.contains(": S. 0:0(0) ack 1 win 65535 <mss 1460>"))
        #expect(result.output.contains("accept(#3) = #4 from 192.0.2.11."))
        #expect(result.output.contains("read back \"hELLO FROM CLIENT 1, OVER tcp!\\n\""))
        #expect(result.output.contains("demo: 3/3 clients read their line back case-flipped; 27 segments"))
        let pcap = try Data(contentsOf: directory.appendingPathComponent("demo.pcap"))
        #expect(pcap.count > 24)
        // Little-endian pcap magic with LINKTYPE_RAW (101).
        #expect(pcap.prefix(4) == Data([0xD4, 0xC3, 0xB2, 0xA1]))
        #expect(pcap[20] == 101)
    }

    @Test func demoIsDeterministicForASeed() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try CLI.run(["demo", "--seed", "9", "--loss", "10", "--pcap", "a.pcap"], in: directory)
        let second = try CLI.run(["demo", "--seed", "9", "--loss", "10", "--pcap", "b.pcap"], in: directory)
        #expect(first.status == 0 && second.status == 0)
        #expect(first.output.replacingOccurrences(of: "a.pcap", with: "b.pcap") == second.output)
        let a = try Data(contentsOf: directory.appendingPathComponent("a.pcap"))
        let b = try Data(contentsOf: directory.appendingPathComponent("b.pcap"))
        #expect(a == b)
    }

    @Test(arguments: [
        ["--help"], ["demo", "--help"], ["help", "demo"], ["stall", "--help"], ["config", "--help"], ["run", "--help"],
    ])
    func helpIsAvailableEverywhere(arguments: [String]) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 0)
        #expect(result.output.contains("USAGE:"))
    }

    @Test func aBadFlagValueIsAOneLineErrorWithNonZeroExit() throws {
        let result = try CLI.run(["demo", "--loss", "150", "--no-pcap"])
        #expect(result.status != 0)
        #expect(result.error == "Error: --loss expects a percentage from 0 to 100, found 150.0\n")
    }

    @Test func anUnknownOptionIsRejected() throws {
        let result = try CLI.run(["demo", "--lose", "3"])
        #expect(result.status != 0)
        #expect(result.error.contains("Unknown option '--lose'"))
    }

    @Test func anUnwritablePcapPathIsAOneLineErrorWithNonZeroExit() throws {
        let result = try CLI.run(["demo", "--pcap", "/nonexistent-dir/x.pcap"])
        #expect(result.status == 1)
        #expect(result.error.contains("Error: cannot create '/nonexistent-dir/x.pcap': No such file or directory"))
        #expect(!result.output.contains("eESTABLISHED"))
    }
}

@Suite("tcpsim device option errors")
struct DeviceOptionTests {
    @Test(arguments: [
        (["device"], "needs --netns NAME (a private namespace, recommended) or --tun NAME"),
        (["device", "--netns", "x", "--app", "ftp"], "--app expects terminal-server, echo, discard or chargen, found 'ftp'"),
        (["device", "--netns", "x", "--variant", "fast"], "--variant expects one of report, capped, fix-a, fix-b, backlog2, found 'fast'"),
        (["device", "--netns", "x", "--addr", "192.0.2.300/24"], "--addr expects ADDRESS/PREFIX such as 192.0.2.2/24, found '192.0.2.300/24'"),
        (["device", "--netns", "x", "--host-addr", "host"], "--host-addr expects an IPv4 address such as 192.0.2.1, found 'host'"),
        (["device", "--netns", "x", "--duration", "0"], "--duration expects seconds above 0, found 0.0"),
        (["device", "--netns", "x", "--trace", "--quiet"], "--trace and --quiet exclude each other"),
    ])
    func badOptionsAreOneLineErrors(arguments: [String], message: String) throws {
        let result = try CLI.run(arguments)
        #expect(result.status != 0)
        #expect(result.error.contains(message), "\(result.error)")
    }

    @Test func helpDescribesTheDevice() throws {
        let result = try CLI.run(["device", "--help"])
        #expect(result.status == 0)
        #expect(result.output.contains("--netns <netns>"))
        #expect(result.output.contains("terminal-server (ports 3301-3305, GET /release?port=N on port 80)"))
    }
}
