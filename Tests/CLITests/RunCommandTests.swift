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
