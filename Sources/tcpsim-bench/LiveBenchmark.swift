import CApp
import CTun
import Foundation
import IPConfig
import LiveDevice
import SimClock
import TCPWire

#if canImport(Glibc)
import Glibc
#endif

/// `tcpsim-bench live` (root): the live device in a namespace of its own, driven by a Linux client in the
/// same process — the device loop on one thread, the client on another, both inside the namespace.
///
/// (a) 100 MiB Linux → device discard, with 64 KiB windows (Fixtures/configs/large-windows.h) and with
/// FreeRTOS's default 2 × MSS window; 1 MiB echoed with the default window, beside the real device's 0.363 s
/// (pcaps/S9-bulk.pcap). (b) 1-byte echo round trips per second.
enum LiveBenchmark {
    static let device = "192.0.2.2"

    static func run(packageRoot: String) {
        guard geteuid() == 0 else {
            print("live: skipped (needs root for a network namespace and a TUN interface)")
            return
        }
        let large = IPConfigHeader(parsing: (try? String(contentsOfFile: packageRoot + "/Fixtures/configs/large-windows.h", encoding: .utf8)) ?? "",
                                   fileName: "large-windows.h").config
        let system = systemCongestionControl()
        session(name: "64 KiB windows", config: large) {
            discard(megabytes: 100, label: "64 KiB windows", congestion: "cubic")
            if system != "cubic" { discard(megabytes: 100, label: "64 KiB windows", congestion: system) }
            roundTrips(count: 20_000)
        }
        if sysconf(Int32(_SC_NPROCESSORS_ONLN)) >= 2 {
            // The device loop on CPU 1, the client on CPU 0 (lwIP's "pinned" figures).
            session(name: "64 KiB windows, pinned", config: large, pinDevice: 1) {
                _ = ctun_pin_to_cpu(0)
                discard(megabytes: 100, label: "64 KiB windows, pinned", congestion: "cubic")
                roundTrips(count: 20_000, label: "pinned")
                _ = ctun_unpin()
            }
        }
        session(name: "default windows", config: .defaults) {
            discard(megabytes: 100, label: "default 2 x MSS window", congestion: "cubic")
            echo(megabytes: 1)
            roundTrips(count: 20_000)
        }
        // The user's C echo app (Fixtures/apps/echo) against the Swift echo app, one after the other in this run.
        if let program = CAppBenchmark.build("echo", packageRoot: packageRoot), let image = try? CAppImage(path: program) {
            var rates: [String: Double] = [:]
            for (label, app) in [("Swift echo app", nil), ("C echo app", image)] as [(String, CAppImage?)] {
                session(name: label, config: .defaults, cApp: app) { rates[label] = roundTrips(count: 20_000, label: label) }
            }
            if let swift = rates["Swift echo app"], let c = rates["C echo app"], swift > 0 {
                print(String(format: "live C echo app: %.2f× the Swift echo app's round trips/s (goal ≥ 0.9×)", c / swift))
            }
        }
        session(name: "without segmentation offload", config: large, offload: false) {
            discard(megabytes: 100, label: "64 KiB windows, no offload", congestion: "cubic")
            roundTrips(count: 20_000, label: "unpinned, no offload")
        }
    }

    /// Starts a device (echo and discard) in a fresh namespace, runs `body` as its client, and stops it.
    private static func session(name: String, config: IPConfig, pinDevice: Int32? = nil, offload: Bool = true,
                                cApp: CAppImage? = nil, _ body: () -> Void) {
        var settings = LiveDeviceConfiguration()
        settings.apps = cApp == nil ? [.service(.discard), .service(.echo)] : []
        settings.ipConfig = config
        settings.namespace = "tsim-bench-\(getpid())"
        settings.output = .quiet
        settings.duration = .seconds(300)
        settings.offload = offload
        let live: LiveDevice
        do {
            live = try LiveDevice(settings)
        } catch {
            print("live (\(name)): \(error)")
            return
        }
        var application: CApplication?
        if let cApp {
            application = CApplication(image: cApp, device: live.device)
            application?.realTime = true
            do { try application?.start() } catch { print("live (\(name)): \(error)"); return }
        }
        defer { application?.stop() }
        let thread = Thread {
            if let pinDevice { _ = ctun_pin_to_cpu(pinDevice) }
            _ = live.run(print: { _ in })
        }
        thread.stackSize = 8 << 20
        thread.name = "device-loop"
        thread.start()
        body()
        LiveDevice.requestStop()
        while !thread.isFinished { usleep(1000) }
        print("live (\(name)): device counted \(live.statistics)")
        live.close()
    }

    /// The namespace's default TCP congestion control (`bbr` on this machine class).
    private static func systemCongestionControl() -> String {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/tcp_congestion_control", encoding: .utf8)) ?? ""
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A connected client socket; `congestion` picks its TCP congestion control (`TCP_CONGESTION`).
    private static func connect(port: UInt16, congestion: String? = nil) -> Int32? {
        for _ in 0..<100 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            if let congestion {
                _ = congestion.withCString { setsockopt(fd, Int32(IPPROTO_TCP), TCP_CONGESTION, $0, socklen_t(strlen($0))) }
            }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            inet_pton(AF_INET, device, &address.sin_addr)
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if result == 0 { return fd }
            close(fd)
            usleep(10_000)  // the device thread is still starting its apps
        }
        print("live: cannot connect to \(device):\(port): \(String(cString: strerror(errno)))")
        return nil
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    private static func discard(megabytes: Int, label: String, congestion: String) {
        guard let fd = connect(port: 9, congestion: congestion) else { return }
        defer { close(fd) }
        let block = [UInt8](repeating: 0x5A, count: 65536)
        let total = megabytes << 20
        let start = now()
        var sent = 0
        while sent < total {
            let count = block.withUnsafeBytes { send(fd, $0.baseAddress, min($0.count, total - sent), 0) }
            guard count > 0 else { print("live: send failed: \(String(cString: strerror(errno)))"); return }
            sent += count
        }
        shutdown(fd, Int32(SHUT_WR))
        var byte: UInt8 = 0
        _ = recv(fd, &byte, 1, 0)  // the device's FIN: everything was read
        let seconds = now() - start
        print(String(format: "live discard (%@, Linux %@): %d MiB Linux → device in %.3f s = %.2f Gbit/s",
                     label, congestion, megabytes, seconds, Double(total) * 8 / seconds / 1e9))
    }

    private static func echo(megabytes: Int) {
        guard let fd = connect(port: 7) else { return }
        defer { close(fd) }
        let total = megabytes << 20
        let data = (0..<total).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) }
        var received = [UInt8]()
        received.reserveCapacity(total)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var sent = 0
        var buffer = [UInt8](repeating: 0, count: 65536)
        let start = now()
        while received.count < total {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN) | (sent < total ? Int16(POLLOUT) : 0), revents: 0)
            guard poll(&descriptor, 1, 10_000) > 0 else { print("live echo: stalled"); return }
            if sent < total && descriptor.revents & Int16(POLLOUT) != 0 {
                let count = data.withUnsafeBytes { send(fd, $0.baseAddress! + sent, total - sent, 0) }
                if count > 0 { sent += count }
            }
            if descriptor.revents & Int16(POLLIN) != 0 {
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count > 0 { received += buffer[0..<count] } else if count == 0 { break }
            }
        }
        let seconds = now() - start
        print(String(format: "live echo (default 2 x MSS window): %d MiB round trip in %.3f s, exact: %@ (real FreeRTOS+TCP, S9-bulk.pcap: 1 MiB in 0.363 s)",
                     megabytes, seconds, received == data ? "yes" : "NO"))
    }

    @discardableResult
    private static func roundTrips(count: Int, label: String = "unpinned") -> Double {
        guard let fd = connect(port: 7) else { return 0 }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var byte: UInt8 = 0x61
        // Warm up, then measure.
        for _ in 0..<200 { _ = send(fd, &byte, 1, 0); _ = recv(fd, &byte, 1, 0) }
        let start = now()
        for _ in 0..<count {
            guard send(fd, &byte, 1, 0) == 1, recv(fd, &byte, 1, 0) == 1 else {
                print("live rtt: connection failed")
                return 0
            }
        }
        let seconds = now() - start
        print(String(format: "live 1-byte echo (%@): %d round trips in %.3f s = %.0f round trips/s (%.1f µs each)",
                     label, count, seconds, Double(count) / seconds, seconds / Double(count) * 1e6))
        return Double(count) / seconds
    }
}
