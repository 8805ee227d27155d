import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Each way `tcpsim device` can fail to start: one line on stderr that says what to do, a non-zero exit,
/// and nothing left behind (no namespace, no interface).
@Suite("tcpsim device start-up errors", .serialized, .enabled(if: LiveEnvironment.available, LiveEnvironment.reason))
struct DeviceErrorTests {
    private func tcpsim(_ arguments: [String]) throws -> Finished {
        try run(LiveEnvironment.tcpsim, arguments, within: 30)
    }

    private func expectOneLineError(_ result: Finished, containing text: String,
                                    sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status != 0, sourceLocation: sourceLocation)
        #expect(result.error.contains(text), "stderr: \(result.error)", sourceLocation: sourceLocation)
        #expect(result.error.split(separator: "\n").count == 1, "stderr: \(result.error)", sourceLocation: sourceLocation)
        #expect(!result.output.contains("ready"), sourceLocation: sourceLocation)
    }

    @Test func anExistingNamespaceIsNeitherUsedNorRemoved() throws {
        let name = LiveEnvironment.uniqueName("taken")
        let ip = LiveEnvironment.find("ip")!
        _ = try run(ip, ["netns", "add", name])
        defer { _ = try? run(ip, ["netns", "del", name]) }
        let result = try tcpsim(["device", "--netns", name])
        expectOneLineError(result, containing: "network namespace '\(name)' exists and tcpsim did not create it; choose another --netns name or remove it with 'ip netns del \(name)'")
        #expect(LiveEnvironment.namespaceExists(name), "the user's namespace must survive")
    }

    @Test func withoutCapNetAdminTheDeviceSaysToRunAsRoot() throws {
        guard let setpriv = LiveEnvironment.find("setpriv") else {
            Issue.record("setpriv (util-linux) is not installed")
            return
        }
        let name = LiveEnvironment.uniqueName("nocap")
        let result = try run(setpriv, ["--bounding-set=-net_admin", "--inh-caps=-net_admin", LiveEnvironment.tcpsim,
                                       "device", "--netns", name], within: 30)
        expectOneLineError(result, containing: "needs CAP_NET_ADMIN; run as root (sudo tcpsim device …)")
        #expect(!LiveEnvironment.namespaceExists(name))
    }

    @Test func anInterfaceNameInUseIsReported() throws {
        let unshare = try #require(LiveEnvironment.find("unshare"))
        let result = try run(unshare, ["-n", LiveEnvironment.tcpsim, "device", "--tun", "lo"], within: 30)
        expectOneLineError(result, containing: "interface lo already exists in this network namespace; choose another name with --tun")
    }

    @Test func anAddressInUseIsReported() throws {
        let unshare = try #require(LiveEnvironment.find("unshare"))
        let script = "ip addr add 192.0.2.1/24 dev lo && exec \"$0\" device --tun tsim0"
        let result = try run(unshare, ["-n", "sh", "-c", script, LiveEnvironment.tcpsim], within: 30)
        expectOneLineError(result, containing: "address 192.0.2.1 is already in use on lo in this network namespace; choose another --host-addr")
    }

    @Test func withoutDevNetTunTheDeviceSaysHowToGetIt() throws {
        let unshare = try #require(LiveEnvironment.find("unshare"))
        let name = LiveEnvironment.uniqueName("notun")
        // A private mount namespace where /dev/net is an empty tmpfs.
        let script = "mount -t tmpfs none /dev/net && exec \"$0\" device --netns \(name)"
        let result = try run(unshare, ["-m", "sh", "-c", script, LiveEnvironment.tcpsim], within: 30)
        expectOneLineError(result, containing: "/dev/net/tun does not exist; load the tun module (modprobe tun)")
        #expect(!LiveEnvironment.namespaceExists(name))
    }

    @Test func theTunModeRunsInAnUnsharedNamespace() throws {
        // --tun without --netns, under `unshare -n`: the clients join the device's namespace through its PID.
        let unshare = try #require(LiveEnvironment.find("unshare"))
        let nsenter = try #require(LiveEnvironment.find("nsenter"))
        let device = try Running(unshare, ["-n", LiveEnvironment.tcpsim, "device", "--tun", "tsim9", "--app", "echo",
                                           "--addr", "192.0.2.20/24", "--host-addr", "192.0.2.10", "--duration", "60",
                                           "--no-offload"])
        #expect(device.wait(for: 20) { $0.contains("\nready\n") }, "\(device.error)")
        #expect(device.output.contains("reach it with: nc 192.0.2.20 7"))
        let pid = "\(device.process.processIdentifier)"
        let echo = try run(nsenter, ["-t", pid, "-n", "sh", "-c", "(printf 'tun mode\\n'; sleep 0.5) | nc -q 0 -w 5 192.0.2.20 7"])
        #expect(echo.output == "tun mode\n", "\(echo.error)")
        device.signal(SIGTERM)
        let finished = device.finish(within: 15)
        #expect(finished.status == 0)
        #expect(finished.output.contains("on tsim9; host side 192.0.2.10"))
        #expect(!finished.output.contains("offloaded"))
    }
}
