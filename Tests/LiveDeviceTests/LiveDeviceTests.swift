import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `tcpsim device` with real Linux clients: each test makes its own network namespace (the device's --netns),
/// talks to 192.0.2.2 from inside it, and checks that the namespace is gone afterwards.
@Suite("tcpsim device with real Linux clients", .serialized, .enabled(if: LiveEnvironment.available, LiveEnvironment.reason))
struct LiveDeviceTests {
    @Test func pingGetsRepliesAndTheNamespaceIsRemovedOnSIGTERM() throws {
        let device = try DeviceUnderTest("ping", ["--app", "echo"])
        let ping = try device.exec(["ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", "192.0.2.2"])
        #expect(ping.status == 0 && !ping.timedOut, "\(ping.output)\(ping.error)")
        #expect(ping.output.contains("3 packets transmitted, 3 received"))
        let stopped = device.stop(SIGTERM)
        #expect(stopped.status == 0, "\(stopped.error)")
        #expect(stopped.output.contains("stopped by signal SIGTERM"))
        #expect(stopped.output.contains("3 pings answered"))
        #expect(!LiveEnvironment.namespaceExists(device.namespace))
    }

    @Test func ctrlCStopsTheDeviceAndRemovesItsNamespace() throws {
        let device = try DeviceUnderTest("sigint", [])
        #expect(LiveEnvironment.namespaceExists(device.namespace))
        #expect(device.running.output.contains("reach it with: ip netns exec \(device.namespace) nc 192.0.2.2 3301"))
        let stopped = device.stop(SIGINT)
        #expect(stopped.status == 0, "\(stopped.error)")
        #expect(stopped.output.contains("stopped by signal SIGINT"))
        #expect(!LiveEnvironment.namespaceExists(device.namespace))
    }

    @Test func netcatAndPythonClientsGetTheTerminalServersCaseFlippedEcho() throws {
        let device = try DeviceUnderTest("term", ["--app", "terminal-server"])
        // nc sends a line and, like someone at a terminal, keeps its input open for a while; then it closes.
        // (Data and FIN back to back would be handled in one IP-task burst: FIN+ACK before the echo.)
        let nc = try device.exec(["sh", "-c", "(printf 'Hello, Device\\n'; sleep 0.5) | nc -q 0 -w 5 192.0.2.2 3302"])
        #expect(nc.status == 0, "\(nc.error)")
        #expect(nc.output == "hELLO, dEVICE\n")
        let python = try device.python("""
            import socket
            s = socket.create_connection(("192.0.2.2", 3303), timeout=5)
            s.sendall(b"Python 3 Client\\n")
            got = b""
            while len(got) < 16:
                got += s.recv(100)
            print(got.decode(), end="")
            s.close()
            """)
        #expect(python.status == 0, "\(python.error)")
        #expect(python.output == "pYTHON 3 cLIENT\n")
        let stopped = device.stop()
        // The live status shows the API calls and state changes of both clients.
        #expect(stopped.output.contains("eSYN_RECEIVED → eESTABLISHED"))
        #expect(stopped.output.contains("FreeRTOS_accept(#4) = #4 from 192.0.2.1."))
        #expect(stopped.output.contains("FreeRTOS_recv(#5, 1024) = 16"))
        #expect(!LiveEnvironment.namespaceExists(device.namespace))
    }

    /// The seed-2 stall with the Linux kernel as the client: after the release the Linux socket sits in
    /// CLOSE_WAIT, port 3301 refuses new clients until hang protection frees it (5 s + the 1 s wake-up grid
    /// with live-stall.h), and data written later on the old socket is answered with RST.
    @Test func theShutdownStallHappensLiveWithTheLinuxKernelAsThePeer() throws {
        let config = LiveEnvironment.packageRoot + "/Fixtures/configs/live-stall.h"
        let device = try DeviceUnderTest("stall", ["--variant", "report", "--config", config])
        let client = try device.python(Self.stallClient, within: 60)
        #expect(client.status == 0, "\(client.error)")
        let report = Dictionary(uniqueKeysWithValues: client.output.split(separator: "\n").compactMap { line in
            line.split(separator: "=", maxSplits: 1).map(String.init).pairs
        })
        #expect(report["echo"] == "hELLO")
        #expect(report["release"] == "released 3301")
        #expect(report["old-socket-after-release"]?.contains("CLOSE-WAIT") == true, "\(client.output)")
        #expect(report["first-attempt"] == "refused")
        let freed = Double(report["freed-after"] ?? "") ?? -1
        #expect(freed >= 4.5 && freed <= 8.0, "port freed after \(freed) s")
        #expect(report["old-socket-write"] == "ECONNRESET", "\(client.output)")
        let stopped = device.stop()
        #expect(stopped.output.contains("app: port 3301: closing #3"))
        #expect(stopped.output.contains("FreeRTOS_shutdown(#3, FREERTOS_SHUT_RDWR) = 0"))
    }

    @Test(arguments: ["fix-a", "fix-b"])
    func theFixVariantsFreeThePortInUnderASecond(variant: String) throws {
        let device = try DeviceUnderTest(variant, ["--variant", variant])
        let client = try device.python(Self.stallClient, within: 60)
        #expect(client.status == 0, "\(client.error)")
        let freed = client.output.split(separator: "\n").first { $0.hasPrefix("freed-after=") }
            .flatMap { Double($0.dropFirst("freed-after=".count)) } ?? -1
        #expect(freed >= 0 && freed < 1.0, "\(variant): port freed after \(freed) s\n\(client.output)")
        _ = device.stop()
    }

    @Test func oneHundredMiBToDiscardAndTenMiBEchoedByteForByte() throws {
        // Not --quiet: the services' own lines say how many bytes each client's connection carried.
        let device = try DeviceUnderTest("bulk", ["--app", "discard", "--app", "echo"])
        let discard = try device.python("""
            import socket
            s = socket.create_connection(("192.0.2.2", 9), timeout=30)
            block = bytes(range(256)) * 256
            for _ in range(1600):
                s.sendall(block)
            s.shutdown(socket.SHUT_WR)
            print("eof" if s.recv(1) == b"" else "data?")
            """, within: 120)
        #expect(discard.status == 0, "\(discard.error)")
        #expect(discard.output == "eof\n")
        let echo = try device.python("""
            import hashlib, os, random, socket, threading
            data = random.Random(7).randbytes(10 * 1024 * 1024)
            s = socket.create_connection(("192.0.2.2", 7), timeout=30)
            got = bytearray()
            def reader():
                while len(got) < len(data):
                    chunk = s.recv(65536)
                    if not chunk: break
                    got.extend(chunk)
            t = threading.Thread(target=reader)
            t.start()
            s.sendall(data)
            t.join(60)
            s.close()
            print(len(got), got == data)
            """, within: 120)
        #expect(echo.status == 0, "\(echo.error)")
        #expect(echo.output == "10485760 True\n")
        let stopped = device.stop()
        // The device's apps: every byte reached discard, and echo sent back all it got.
        #expect(stopped.output.contains("done: 104857600 bytes received, 0 sent"), "\(stopped.output.suffix(2000))")
        #expect(stopped.output.contains("done: 10485760 bytes received, 10485760 sent"))
        // Segmentation offload: the kernel handed over large datagrams, which the device split.
        #expect(stopped.output.contains(" offloaded datagrams split into "), "\(stopped.output)")
    }

    @Test func malformedPacketsFromARawSocketAreCountedAndDropped() throws {
        let device = try DeviceUnderTest("raw", ["--app", "echo"])
        let sender = try device.python(Self.malformedSender, within: 60)
        #expect(sender.status == 0, "\(sender.error)")
        #expect(sender.output.hasSuffix("echo after malformed: b'still here'\n"), "\(sender.output)")
        let stopped = device.stop()
        #expect(stopped.status == 0)
        for reason in ["not ipv4: expected version 4, found version 5", "bad ipv4 header checksum",
                       "bad tcp checksum", "bad ipv4 total length", "ipv4 header truncated", "bad icmp checksum"] {
            #expect(stopped.output.contains(reason), "missing '\(reason)' in \(stopped.output)")
        }
        #expect(stopped.output.contains("6 malformed dropped"), "\(stopped.output)")
    }

    @Test func curlReleasesThePortThroughTheControlPage() throws {
        let device = try DeviceUnderTest("curl", ["--variant", "fix-b"])
        let curl = try device.exec(["curl", "-s", "-m", "5", "http://192.0.2.2/release?port=3302"])
        #expect(curl.status == 0, "\(curl.error)")
        #expect(curl.output == "port 3302 has no client\r\n")
        _ = device.stop()
    }

    @Test func theLiveCaptureOpensInTshark() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tcpsim-live-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pcap = directory.appendingPathComponent("live.pcap").path
        let device = try DeviceUnderTest("pcap", ["--app", "echo", "--pcap", pcap])
        _ = try device.exec(["ping", "-n", "-c", "1", "-W", "2", "192.0.2.2"])
        let nc = try device.exec(["sh", "-c", "(printf 'abc\\n'; sleep 0.5) | nc -q 0 -w 5 192.0.2.2 7"])
        #expect(nc.output == "abc\n")
        _ = device.stop()
        guard let tshark = LiveEnvironment.find("tshark") else {
            Issue.record("tshark is not installed (scripts/setup.sh installs it)")
            return
        }
        let read = try run(tshark, ["-r", pcap, "-T", "fields", "-e", "frame.protocols", "-e", "tcp.flags.str",
                                    "-e", "icmp.type", "-o", "tcp.check_checksum:TRUE"])
        #expect(read.status == 0, "\(read.error)")
        let lines = read.output.split(separator: "\n")
        #expect(lines.filter { $0.contains("icmp") }.count == 2, "\(read.output)")  // request and reply
        #expect(lines.contains { $0.contains("··········S·") }, "\(read.output)")    // the client's SYN
        #expect(lines.contains { $0.contains("·······A··S·") }, "\(read.output)")    // the device's SYN+ACK
        #expect(!read.output.contains("malformed"))
        let expert = try run(tshark, ["-r", pcap, "-q", "-z", "expert,error"])
        #expect(!expert.output.contains("Malformed"), "\(expert.output)")
    }

    /// The stall client: connects to 3301, exchanges a line, has the device release it, keeps the socket
    /// open, then connects every 100 ms until accepted (at most 20 s), and finally writes on the old socket.
    static let stallClient = """
        import socket, subprocess, time
        def out(key, value): print(f"{key}={value}", flush=True)
        c1 = socket.create_connection(("192.0.2.2", 3301), timeout=5)
        c1.sendall(b"Hello")
        got = b""
        while len(got) < 5: got += c1.recv(100)
        out("echo", got.decode())
        r = subprocess.run(["curl", "-s", "-m", "5", "http://192.0.2.2/release?port=3301"], capture_output=True, text=True)
        out("release", r.stdout.strip())
        released = time.monotonic()
        time.sleep(0.2)
        ss = subprocess.run(["ss", "-tanH", "dport", "= :3301"], capture_output=True, text=True).stdout.split()
        out("old-socket-after-release", ss[0] if ss else "none")
        attempt = 0
        while time.monotonic() - released < 20:
            attempt += 1
            try:
                c2 = socket.create_connection(("192.0.2.2", 3301), timeout=2)
                out("freed-after", f"{time.monotonic() - released:.2f}")
                c2.close()
                break
            except ConnectionRefusedError:
                if attempt == 1: out("first-attempt", "refused")
                time.sleep(0.1)
        try:
            c1.sendall(b"late data")
            time.sleep(0.5)
            c1.sendall(b"more")
            c1.recv(100)
            out("old-socket-write", "accepted?")
        except ConnectionResetError:
            out("old-socket-write", "ECONNRESET")
        except BrokenPipeError:
            out("old-socket-write", "ECONNRESET")
        """

    /// Sends six malformed datagrams through an AF_PACKET socket on the TUN interface (the kernel passes them
    /// unchanged), then checks the device still echoes.
    static let malformedSender = """
        import socket, struct, time
        def csum(b):
            if len(b) % 2: b += b"\\0"
            s = sum(struct.unpack(f"!{len(b)//2}H", b))
            while s > 0xffff: s = (s & 0xffff) + (s >> 16)
            return ~s & 0xffff
        def ip(payload, proto=6, version=4, total=None, check=None):
            total = total if total is not None else 20 + len(payload)
            h = struct.pack("!BBHHHBBH4s4s", (version << 4) | 5, 0, total, 1, 0, 64, proto, 0,
                            socket.inet_aton("192.0.2.1"), socket.inet_aton("192.0.2.2"))
            c = csum(h) if check is None else check
            return h[:10] + struct.pack("!H", c) + h[12:] + payload
        def tcp(bad=False):
            t = struct.pack("!HHIIBBHHH", 40000, 7, 1, 0, 5 << 4, 0x02, 2920, 0, 0)
            pseudo = socket.inet_aton("192.0.2.1") + socket.inet_aton("192.0.2.2") + struct.pack("!BBH", 0, 6, len(t))
            c = csum(pseudo + t) ^ (0x1234 if bad else 0)
            return t[:16] + struct.pack("!H", c) + t[18:]
        icmp = struct.pack("!BBHHH", 8, 0, 0xbad, 1, 1) + b"ping"
        packets = [
            ip(tcp(), version=5),             # wrong version
            ip(tcp(), check=0x1234),          # bad IP header checksum
            ip(tcp(bad=True)),                # bad TCP checksum
            ip(tcp(), total=400),             # total length beyond the datagram
            ip(tcp())[:12],                   # truncated IP header
            ip(icmp, proto=1),                # bad ICMP checksum
        ]
        raw = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
        for p in packets:
            raw.sendto(p, ("tsim0", 0x0800))
            print("sent", len(p), flush=True)
        time.sleep(0.2)
        s = socket.create_connection(("192.0.2.2", 7), timeout=5)
        s.sendall(b"still here")
        got = b""
        while len(got) < 10: got += s.recv(100)
        print("echo after malformed:", got)
        """
}

private extension Array where Element == String {
    /// `[key, value]` as a pair.
    var pairs: (String, String)? { count == 2 ? (self[0], self[1]) : nil }
}
