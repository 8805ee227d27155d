import Foundation
import Testing

@Suite("tcpsim stall")
struct StallCommandTests {
    @Test func theReportVariantPrintsTheTimelineAndTheVerdict() throws {
        let result = try CLI.run(["stall"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("eESTABLISHED → eFIN_WAIT_1 [ESTABLISHED → FIN-WAIT-1] (FreeRTOS_shutdown(): FIN sent)"))
        #expect(result.output.contains("FreeRTOS_shutdown(#3, FREERTOS_SHUT_RDWR) = 0"))
        #expect(result.output.contains("R. 0:0(0) ack 1 win 65535"))
        #expect(result.output.contains("eFIN_WAIT_1 → eCLOSE_WAIT [FIN-WAIT-1 → CLOSE-WAIT] (hang protection"))
        #expect(result.output.contains("FreeRTOS_select(set1, 100 ms) = EXCEPT [#3:EXCEPT]"))
        #expect(result.output.contains("FreeRTOS_recv(#3, 1024) = -pdFREERTOS_ERRNO_ENOTCONN"))
        // Timer firings: the 20 s wake-up that finds 20 s of silence, and the one that fires.
        #expect(result.output.contains("timer: #3 wake-up in eFIN_WAIT_1: idle 20.0 s, hang protection after 30.0 s: not yet; next wake-up in 20.0 s"))
        #expect(result.output.contains("timer: #3 wake-up in eFIN_WAIT_1: idle 40.0 s, hang protection after 30.0 s: fires"))
        let last = result.output.split(separator: "\n").last.map(String.init)
        #expect(last == "port 3301 accepted a new client after 40.1 s (cause: hang protection, ipconfigTCP_HANG_PROTECTION_TIME=30 s on the 20 s wake-up grid)")
    }

    @Test(arguments: [
        ("capped", "after 4.1 s"), ("fix-a", "after 100 ms"), ("fix-b", "after 100 ms"), ("backlog2", "after 100 ms"),
    ])
    func eachVariantPrintsItsStall(variant: String, expected: String) throws {
        let result = try CLI.run(["stall", "--variant", variant, "-q"])
        #expect(result.status == 0)
        #expect(result.output.hasPrefix("port 3301 accepted a new client \(expected) (cause: "), "\(result.output)")
    }

    @Test func aConfigHeaderChangesTheTimers() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let header = directory.appendingPathComponent("FreeRTOSIPConfig.h")
        try """
            #define ipconfigTCP_HANG_PROTECTION_TIME    ( 5 )
            #define tcpMAXIMUM_TCP_WAKEUP_TIME_MS       ( 1000U )
            #define ipconfigNOT_A_THING                 1
            """.write(to: header, atomically: true, encoding: .utf8)
        let result = try CLI.run(["stall", "-q", "--config", header.path])
        #expect(result.status == 0)
        #expect(result.output == "port 3301 accepted a new client after 6.1 s (cause: hang protection, ipconfigTCP_HANG_PROTECTION_TIME=5 s on the 1 s wake-up grid)\n")
        #expect(result.error.contains("FreeRTOSIPConfig.h:3:9: warning:"))
    }

    @Test func theSameSeedGivesAByteIdenticalCapture() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try CLI.run(["stall", "-q", "--pcap", "a.pcap"], in: directory)
        _ = try CLI.run(["stall", "-q", "--pcap", "b.pcap"], in: directory)
        let a = try Data(contentsOf: directory.appendingPathComponent("a.pcap"))
        let b = try Data(contentsOf: directory.appendingPathComponent("b.pcap"))
        #expect(a == b && a.count > 1000)
    }

    @Test func badArgumentsAreOneLineErrors() throws {
        let variant = try CLI.run(["stall", "--variant", "nope"])
        #expect(variant.status != 0)
        #expect(variant.error == "Error: --variant expects one of report, capped, fix-a, fix-b, backlog2, found 'nope'\n")
        let config = try CLI.run(["stall", "--config", "/nonexistent/FreeRTOSIPConfig.h"])
        #expect(config.status == 1)
        #expect(config.error == "Error: cannot read '/nonexistent/FreeRTOSIPConfig.h': No such file or directory\n")
        let binary = try CLI.run(["stall", "--config", "/bin/ls"])
        #expect(binary.status == 1)
        #expect(binary.error.hasPrefix("Error: /bin/ls:1:"))
        #expect(binary.error.hasSuffix(": binary data (NUL byte), expected a FreeRTOSIPConfig.h\n"))
        #expect(binary.error.split(separator: "\n").count == 1)
        // A header of more than 1 MiB is refused before it is read any further.
        let directory = try CLI.temporaryDirectory()
        let huge = directory.appendingPathComponent("huge.h")
        try String(repeating: "#define ipconfigTCP_MSS ( 1460 )\n", count: 40_000).write(to: huge, atomically: true, encoding: .utf8)
        let large = try CLI.run(["stall", "--config", huge.path])
        #expect(large.status == 1)
        #expect(large.error == "Error: cannot read '\(huge.path)': larger than 1 MiB, expected a FreeRTOSIPConfig.h\n")
        // Binary data in a script is located.
        let script = directory.appendingPathComponent("binary.pkt")
        try Data("0 %{ assert true }%\n+1 <\u{0} S".utf8).write(to: script)
        let located = try CLI.run(["run", script.path])
        #expect(located.error == "Error: \(script.path):2:5: binary data (NUL byte), expected a scenario script\n")
    }
}
