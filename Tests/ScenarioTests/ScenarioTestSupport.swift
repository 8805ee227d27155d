import Foundation
import Scenario
import SimClock
import TCPWire
import Testing

/// the simulator design's example, verbatim.
let designExample = """
    // The shutdown stall: REUSE_LISTEN port, device shuts down, host never closes.
    --personality=freertos --config=Fixtures/configs/terminal-server.h
    0      socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
    +0     setsockopt(3, SOL_SOCKET, FREERTOS_SO_REUSE_LISTEN_SOCKET, [1], 4) = 0
    +0     bind(3, ..., 3301) = 0
    +0     listen(3, 1) = 0
    +0.1   < S 0:0(0) win 64240 <mss 1460,sackOK,nop,nop,nop,wscale 7>
    +0     > S. 0:0(0) ack 1 <mss 1460,...>
    +0.01  < . 1:1(0) ack 1 win 502
    +1     shutdown(3, SHUT_RDWR) = 0
    +0     > F. 1:1(0) ack 1
    +0.01  < . 1:1(0) ack 2 win 502
    +0     %{ assert state(3) == eFIN_WAIT_1 and flags(3).finAcked }%
    +2     < S 0:0(0) win 64240 <mss 1460> port 40002      // a new client
    +0     > R. 0:0(0) ack 1 port 40002                     // nobody listens: REUSE socket is the connection
    +30    %{ assert state(3) == eCLOSE_WAIT }%              // hang protection fired

    """

/// Parses `source`, recording a test failure (with the rendered error) instead of throwing.
func parsed(_ source: String, sourceLocation: SourceLocation = #_sourceLocation) -> Script? {
    do {
        return try Script.parse(source, file: "t.pkt")
    } catch {
        Issue.record("\(error.rendered(source: source))", sourceLocation: sourceLocation)
        return nil
    }
}

/// The single step of a one-line script.
func step(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) -> Step? {
    guard let script = parsed(line, sourceLocation: sourceLocation) else { return nil }
    #expect(script.steps.count == 1, sourceLocation: sourceLocation)
    return script.steps.first
}

func packet(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) -> PacketSpec? {
    switch step(line, sourceLocation: sourceLocation)?.kind {
    case .inbound(let p)?, .outbound(let p)?: return p
    default:
        Issue.record("not a packet: \(line)", sourceLocation: sourceLocation)
        return nil
    }
}

func call(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) -> CallSpec? {
    guard case .call(let c)? = step(line, sourceLocation: sourceLocation)?.kind else {
        Issue.record("not a call: \(line)", sourceLocation: sourceLocation)
        return nil
    }
    return c
}

/// The error `source` raises, or nil (recording a failure) when it parses.
func parseError(_ source: String, sourceLocation: SourceLocation = #_sourceLocation) -> ScenarioError? {
    do {
        _ = try Script.parse(source, file: "t.pkt")
        Issue.record("parsed without error: \(source)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

func ms(_ n: Int) -> SimDuration { .milliseconds(n) }


func packageRoot(filePath: String = #filePath) -> URL {
    URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

func fixtureNames() -> [String] {
    let directory = packageRoot().appendingPathComponent("Fixtures/scenarios")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.filter { $0.hasSuffix(".pkt") }.sorted()
}

func fixture(_ name: String) -> String {
    let url = packageRoot().appendingPathComponent("Fixtures/scenarios").appendingPathComponent(name)
    return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
}
