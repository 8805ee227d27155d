import Foundation
import Testing

@Suite("tcpsim run")
struct RunCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func aFixturePasses() throws {
        let result = try CLI.run(["run", "Fixtures/scenarios/reuse-shutdown-stall.pkt"], in: Self.root)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output == "Fixtures/scenarios/reuse-shutdown-stall.pkt: 13 steps passed\n")
    }

    @Test func aPacketdrillScriptRunsUnchangedWithTheRFCPersonality() throws {
        let script = "Fixtures/scenarios/packetdrill/active-close-time-wait.pkt"
        let rfc = try CLI.run(["run", "--personality", "rfc", script], in: Self.root)
        #expect(rfc.status == 0, "\(rfc.error)")
        #expect(rfc.output.hasSuffix("steps passed\n"))
        // Under the default FreeRTOS personality close() is FreeRTOS_closesocket(), which sends no FIN.
        let freertos = try CLI.run(["run", script], in: Self.root)
        #expect(freertos.status == 1)
        #expect(freertos.error.hasPrefix("\(script):18: error handling packet: expected F. 101:101(0) ack 1"), "\(freertos.error)")
        let bad = try CLI.run(["run", "--personality", "lwip", script], in: Self.root)
        #expect(bad.status != 0)
        #expect(bad.error.contains("--personality expects freertos or rfc, found 'lwip'"), "\(bad.error)")
    }

    @Test func anUnwritableTraceIsReportedBeforeTheRun() throws {
        let result = try CLI.run(
            ["run", "--events", "--trace", "/nonexistent-dir/t.txt", "Fixtures/scenarios/caseflip-echo.pkt"], in: Self.root)
        #expect(result.status == 1)
        #expect(result.error == "Error: cannot write '/nonexistent-dir/t.txt': No such file or directory\n", "\(result.error)")
        #expect(result.output.isEmpty, "nothing ran: \(result.output)")
    }

    @Test func aSyntaxErrorPointsAtLineAndColumnWithACaret() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0.1 < S 0:0(0) wn 5\n"
            .write(to: directory.appendingPathComponent("bad.pkt"), atomically: true, encoding: .utf8)
        let result = try CLI.run(["run", "bad.pkt"], in: directory)
        #expect(result.status == 1)
        let lines = result.error.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first?.hasPrefix("Error: bad.pkt:2:") == true, "\(result.error)")
        #expect(lines.contains { $0.trimmingCharacters(in: .whitespaces) == "^" })
    }

    @Test func aFailingExpectationExitsOneWithThePacketdrillStyleMessage() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
            0      socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
            +0     bind(3, ..., 3301) = 0
            +0     listen(3, 1) = 0
            +0.1   < S 0:0(0) win 64240 <mss 1460>
            +0     > S 0:0(0) <...>
            """.write(to: directory.appendingPathComponent("wrong.pkt"), atomically: true, encoding: .utf8)
        let result = try CLI.run(["run", "wrong.pkt"], in: directory)
        #expect(result.status == 1)
        #expect(result.error.hasPrefix("wrong.pkt:5: error handling packet: expected S 0:0(0) vs actual S. 0:0(0) ack 1 win 2920"), "\(result.error)")
    }
}

@Suite("tcpsim run outputs")
struct RunOutputTests {
    @Test func theTraceIsWrittenAsTextOrJSONAndThePcapReadsBack() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = RunCommandTests.root.appendingPathComponent("Fixtures/scenarios/readme-first-scenario.pkt").path
        let text = try CLI.run(["run", script, "--trace", "t.txt", "--pcap", "r.pcap"], in: directory)
        #expect(text.status == 0, "\(text.error)")
        let lines = try String(contentsOf: directory.appendingPathComponent("t.txt"), encoding: .utf8)
        #expect(lines.contains("FreeRTOS_setsockopt(#3, FREERTOS_SO_REUSE_LISTEN_SOCKET, 1) = 0"))
        #expect(lines.contains("#3 eESTABLISHED → eFIN_WAIT_1"))
        let pcap = try Data(contentsOf: directory.appendingPathComponent("r.pcap"))
        #expect(pcap.count > 24 + 6 * 56)
        let json = try CLI.run(["run", script, "--trace", "t.json", "--format", "json"], in: directory)
        #expect(json.status == 0)
        let data = try Data(contentsOf: directory.appendingPathComponent("t.json"))
        let events = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(events.contains { ($0["kind"] as? String) == "transition" && ($0["text"] as? String)?.contains("eFIN_WAIT_1") == true })
        #expect(events.allSatisfy { $0["time"] is Double && $0["host"] is String })
        let bad = try CLI.run(["run", script, "--format", "xml"], in: directory)
        #expect(bad.status == 1)
        #expect(bad.error == "Error: --format expects text or json, found 'xml'\n")
    }
}

@Suite("tcpsim run timeline")
struct RunTimelineTests {
    @Test func theTimelineListsEachSocketsStatesWithCauses() throws {
        let result = try CLI.run(["run", "Fixtures/scenarios/readme-first-scenario.pkt", "--timeline", "states"], in: RunCommandTests.root)
        #expect(result.status == 0)
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "device #3    0.000000 eTCP_LISTEN [LISTEN] (FreeRTOS_listen())")
        #expect(lines.contains("             1.110000 eFIN_WAIT_1 [FIN-WAIT-1] (FreeRTOS_shutdown(): FIN sent)"))
        let events = try CLI.run(["run", "Fixtures/scenarios/readme-first-scenario.pkt", "--events"], in: RunCommandTests.root)
        #expect(events.output.contains("192.0.2.2.3301 > 192.0.2.1.40002: R. 0:0(0) ack 1 win 64240"))
    }
}
