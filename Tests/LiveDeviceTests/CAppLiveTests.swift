import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The user's C application as a live device: real Linux clients over TUN in a namespace of the test's own.
@Suite("tcpsim device --c-app with real Linux clients", .enabled(if: LiveEnvironment.available, LiveEnvironment.reason))
struct CAppLiveTests {
    /// `tcpsim cc` of a fixture app into a temporary directory.
    static func build(_ app: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tcpsim-live-capp-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let source = "\(LiveEnvironment.packageRoot)/Fixtures/apps/\(app)"
        let files = try FileManager.default.contentsOfDirectory(atPath: source).filter { $0.hasSuffix(".c") }.sorted()
        let output = directory.appendingPathComponent(app).path
        let built = try run(LiveEnvironment.tcpsim, ["cc", "-o", output] + files.map { "\(source)/\($0)" })
        #expect(built.status == 0, "\(built.error)")
        return output
    }

    /// Whether a process runs `program` (read from /proc: no procps needed).
    static func isRunning(_ program: String) -> Bool {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.contains { entry in
            guard Int(entry) != nil, let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/exe")
            else { return false }
            return link == program
        }
    }

    @Test func theCEchoAppServesThreeConcurrentClientsAndSIGTERMCleansUp() throws {
        let program = try Self.build("echo")
        let device = try DeviceUnderTest("cecho", ["--c-app", program])
        // Three Python clients connect at once, each sends 3 lines with pauses, and checks every echo.
        let clients = try device.python("""
            import socket, threading, time
            results = {}
            def client(n):
                s = socket.create_connection(("192.0.2.2", 7), timeout=5)
                got = b""
                for line in range(3):
                    data = f"client {n} line {line}\\n".encode()
                    s.sendall(data)
                    want = len(got) + len(data)
                    while len(got) < want:
                        chunk = s.recv(100)
                        if not chunk: break
                        got += chunk
                    time.sleep(0.05)
                s.close()
                results[n] = got.decode()
            threads = [threading.Thread(target=client, args=(n,)) for n in range(3)]
            for t in threads: t.start()
            for t in threads: t.join()
            for n in range(3): print(repr(results.get(n)))
            """)
        #expect(clients.status == 0, "\(clients.error)")
        for n in 0..<3 {
            #expect(clients.output.contains("'client \(n) line 0\\nclient \(n) line 1\\nclient \(n) line 2\\n'"))
        }
        let stopped = device.stop(SIGTERM)
        #expect(stopped.status == 0)
        #expect(stopped.output.contains("stopped by signal SIGTERM"))
        #expect(stopped.output.contains("your FreeRTOS application"))
        // Each client had its own connection task, created by the app's listener.
        #expect(stopped.output.components(separatedBy: "xTaskCreate(").count - 1 >= 4)
        #expect(!LiveEnvironment.namespaceExists(device.namespace))
        // The app's process ended with the device.
        #expect(!Self.isRunning(program))
    }

    @Test func theCTerminalServerEchoesCaseFlippedToALinuxClient() throws {
        let program = try Self.build("terminal-server")
        let device = try DeviceUnderTest("cterm", ["--c-app", program])
        let echo = try device.python("""
            import socket
            s = socket.create_connection(("192.0.2.2", 3301), timeout=5)
            s.sendall(b"Live C\\n")
            print(s.recv(100).decode(), end="")
            s.close()
            """)
        #expect(echo.output == "lIVE c\n")
        let stopped = device.stop(SIGINT)
        #expect(stopped.output.contains("stopped by signal SIGINT"))
        #expect(!LiveEnvironment.namespaceExists(device.namespace))
    }
}

/// The namespace a device makes never outlives it, and a stale one is told from one tcpsim did not make.
@Suite("tcpsim device namespaces", .enabled(if: LiveEnvironment.available, LiveEnvironment.reason))
struct NamespaceLifetimeTests {
    /// Waits (bounded) until `condition` holds.
    static func eventually(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    @Test func sigkillLeavesNoNamespaceBehind() throws {
        let device = try DeviceUnderTest("kill9", ["--app", "echo"])
        #expect(LiveEnvironment.namespaceExists(device.namespace))
        #expect(FileManager.default.fileExists(atPath: "/run/tcpsim/netns-\(device.namespace)"))
        let finished = device.stop(SIGKILL)
        #expect(finished.status != 0)
        #expect(Self.eventually(5) { !LiveEnvironment.namespaceExists(device.namespace) })
        #expect(!FileManager.default.fileExists(atPath: "/run/tcpsim/netns-\(device.namespace)"))
    }

    /// (A namespace tcpsim did not make is refused and left alone: `DeviceErrorTests`.)
    @Test func aStaleNamespaceOfAFormerDeviceIsReplaced() throws {
        let ip = try #require(LiveEnvironment.find("ip"))
        let stale = LiveEnvironment.uniqueName("stale")
        defer { if LiveEnvironment.namespaceExists(stale) { _ = try? run(ip, ["netns", "del", stale]) } }
        // A namespace whose marker names a process that no longer runs (pid 0x7fffffff never does).
        _ = try run(ip, ["netns", "add", stale])
        try FileManager.default.createDirectory(atPath: "/run/tcpsim", withIntermediateDirectories: true)
        try "2147483647\n".write(toFile: "/run/tcpsim/netns-\(stale)", atomically: true, encoding: .utf8)
        let replaced = try run(LiveEnvironment.tcpsim, ["device", "--netns", stale, "-q", "--duration", "0.5"])
        #expect(replaced.status == 0, "\(replaced.error)")
        #expect(!LiveEnvironment.namespaceExists(stale))
        #expect(!FileManager.default.fileExists(atPath: "/run/tcpsim/netns-\(stale)"))
    }
}
