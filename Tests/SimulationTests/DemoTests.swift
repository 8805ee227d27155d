import SimClock
import Simulation
import TCPCore
import TCPWire
import Testing

@Suite("echo-server demo")
struct DemoTests {
    @Test func everyClientReadsItsLineBackCaseFlipped() {
        let demo = DemoScenario()
        demo.run()
        for index in 1...3 {
            #expect(demo.replies.values["client-\(index)"] == String(decoding: flipCase(Array(DemoScenario.line(for: index).utf8)), as: UTF8.self))
        }
        #expect(demo.network.taskFailures.isEmpty, "\(demo.network.taskFailures)")
        // The three connections overlap in time on the server, each its own child socket.
        let accepted = demo.network.trace.compactMap { event -> String? in
            if case .call(_, "server", let text) = event, text.hasPrefix("accept(#3) = ") { return text }
            return nil
        }
        #expect(accepted.count == 3)
        #expect(Set(accepted.map { $0.split(separator: " ")[2] }) == ["#4", "#5", "#6"])
    }
}

@Suite("README example")
struct ReadmeExampleTests {
    /// The "Using it from Swift" example of README.md, verbatim apart from the assertions.
    @Test func theEchoExampleEchoes() {
        let network = Network(seed: 1)
        let client = network.addHost("client", address: IPv4Address(192, 0, 2, 1))
        let server = network.addHost("server", address: IPv4Address(192, 0, 2, 2))
        network.connect(client, server, delay: .milliseconds(1))

        server.spawn("echo") {
            let listener = server.socket()
            try server.bind(listener, port: 7)
            try server.listen(listener, backlog: 5)
            let connection = try await server.accept(listener)
            while case let bytes = try await server.recv(connection), !bytes.isEmpty {
                try await server.send(connection, bytes)
            }
            try server.close(connection)
        }
        let reply = ReplyBox()
        client.spawn("client") {
            let socket = client.socket()
            try await client.connect(socket, to: Endpoint(IPv4Address(192, 0, 2, 2), 7))
            try await client.send(socket, Array("ping".utf8))
            reply.set("reply", String(decoding: try await client.recv(socket), as: UTF8.self))
            try client.close(socket)
        }
        network.runUntilIdle()
        #expect(reply.values["reply"] == "ping")
        #expect(network.taskFailures.isEmpty)
        #expect(network.now > SimInstant.zero + SimDuration.seconds(60))  // the client's TIME-WAIT ran out in virtual time
    }
}
