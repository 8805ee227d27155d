import CTun
import Devices
import IPConfig
import PcapIO
import SimClock
import Simulation
import TCPCore
import TCPWire

#if canImport(Glibc)
import Glibc
#endif

/// What the live device runs.
public enum LiveApp: Hashable, Sendable, CustomStringConvertible {
    /// The shutdown-stall report's terminal server (ports 3301–3305, HTTP control on 80).
    case terminalServer(TerminalServerVariant)
    /// A small service on its well-known port.
    case service(TCPService)

    public var description: String {
        switch self {
        case .terminalServer(let variant): "terminal-server (\(variant.rawValue)) on ports 3301-3305, control on 80"
        case .service(let service): "\(service.rawValue) on port \(service.port)"
        }
    }

    /// A port a client can try first.
    public var examplePort: UInt16 {
        switch self {
        case .terminalServer: TerminalServer.terminalPorts[0]
        case .service(let service): service.port
        }
    }
}

/// How much the device prints while it runs.
public enum LiveOutput: Sendable {
    /// Only the start-up lines and the summary.
    case quiet
    /// One line per state change, API call, app message and dropped packet (the virtual-time timeline
    /// without its segments).
    case status
    /// Everything, segments included.
    case trace
}

/// The settings of a live device.
public struct LiveDeviceConfiguration: Sendable {
    public var apps: [LiveApp] = [.terminalServer(.report)]
    public var ipConfig: IPConfig = .defaults
    public var deviceAddress = IPv4Address(192, 0, 2, 2)
    public var hostAddress = IPv4Address(192, 0, 2, 1)
    public var prefixLength = 24
    /// The TUN interface (the host side of the link).
    public var interfaceName = "tsim0"
    /// A network namespace to create and run in; nil runs in the caller's namespace.
    public var namespace: String?
    public var pcapPath: String?
    public var output: LiveOutput = .status
    /// Stop after this long; nil runs until SIGINT/SIGTERM.
    public var duration: SimDuration?
    /// Seed for the device's ISNs and ports.
    public var seed: UInt64 = 1
    /// Let the kernel hand over TCP datagrams of up to 64 KiB (segmentation offload), split here into the
    /// MSS-sized segments a NIC would have put on the wire; fewer system calls per segment.
    public var offload = true

    public init() {}
}

/// Counters of a live run.
public struct LiveStatistics: Sendable, CustomStringConvertible {
    public var packetsIn = 0
    public var packetsOut = 0
    public var bytesIn = 0
    public var pingsAnswered = 0
    /// Datagrams dropped before the TCP stack: bad IPv4 or ICMP, other protocols.
    public var droppedICMP = 0
    public var ignoredIPv6 = 0
    public var ignoredOtherProtocols = 0
    /// Large datagrams the kernel handed over (segmentation offload) and the segments they were split into.
    public var offloadedDatagrams = 0
    public var offloadedSegments = 0
    /// Malformed packets the TCP stack counted and dropped.
    public var malformedTCP = 0
    public var writeErrors = 0

    public var description: String {
        "\(packetsIn) packets in (\(bytesIn) bytes), \(packetsOut) out; \(pingsAnswered) pings answered; "
            + "\(malformedTCP + droppedICMP) malformed dropped; \(ignoredIPv6) IPv6 and \(ignoredOtherProtocols) "
            + "other-protocol packets ignored"
            + (offloadedDatagrams > 0 ? "; \(offloadedDatagrams) offloaded datagrams split into \(offloadedSegments) segments" : "")
            + (writeErrors > 0 ? "; \(writeErrors) writes refused" : "")
    }
}

/// A simulated FreeRTOS+TCP device attached to a Linux TUN interface, in real time.
///
/// The device is the same model as in virtual time (FreeRTOS personality, the same apps), run by a loop that
/// sleeps in `ppoll()` until a datagram arrives or the next timer is due. Virtual time is wall-clock time
/// since start, so traces and the pcap carry real timestamps.
///
/// Not thread-safe: one thread at a time (typically `run` on a thread of its own, whose results are read
/// after it returns). A thread created after `init` runs in the device's namespace.
public final class LiveDevice: @unchecked Sendable {
    public let configuration: LiveDeviceConfiguration
    public let network: Network
    public let device: Host
    private let linux: Host
    public let tun: TunDevice
    private var namespace: NetworkNamespace?
    private var capture: PcapFileWriter?
    public private(set) var statistics = LiveStatistics()
    /// Wall-clock second of the start, and the monotonic clock then (virtual zero is that wall-clock second).
    private let epochSeconds: Int64
    private let monotonicStart: Int64
    private let startOffset: Int64
    private var print: (String) -> Void = { _ in }
    private var formatter = TimelineFormatter()

    /// Sets up everything (namespace, interface, addresses, model); on failure nothing is left behind.
    public init(_ configuration: LiveDeviceConfiguration) throws(LiveDeviceError) {
        self.configuration = configuration
        try Self.validate(configuration)
        if access("/dev/net/tun", F_OK) != 0 {
            throw LiveDeviceError("/dev/net/tun does not exist; load the tun module (modprobe tun) or run where TUN devices exist")
        }
        if ctun_has_net_admin() == 0 {
            throw LiveDeviceError(
                "creating a TUN interface\(configuration.namespace == nil ? "" : " and a network namespace") needs CAP_NET_ADMIN; run as root (sudo tcpsim device …)")
        }
        var namespace: NetworkNamespace?
        let tun: TunDevice
        do {
            if let name = configuration.namespace {
                namespace = try NetworkNamespace(creating: name)
                try namespace?.enter()
            }
            try Self.checkFree(configuration)
            tun = try TunDevice(name: configuration.interfaceName, offload: configuration.offload)
            try Self.configureInterface(tun.name, configuration)
        } catch {
            namespace?.remove()
            throw error
        }
        self.namespace = namespace
        self.tun = tun

        // One reading of the wall clock: the pcap, the trace and the model's clock share its second.
        let realtime = Self.realtime()
        if let path = configuration.pcapPath {
            do {
                capture = try PcapFileWriter(path: path, epochSeconds: realtime.seconds)
            } catch {
                tun.close()
                namespace?.remove()
                throw LiveDeviceError("\(error)")
            }
        }
        epochSeconds = realtime.seconds
        startOffset = realtime.nanoseconds
        monotonicStart = Self.monotonicNanoseconds()

        network = Network(seed: configuration.seed)
        network.recordsTrace = false
        device = network.addHost("device", address: configuration.deviceAddress,
                                 parameters: .freeRTOS(config: configuration.ipConfig))
        linux = network.addHost("linux", address: configuration.hostAddress)
        linux.isScripted = true
        var stages: [LinkStage] = []
        if let capture { stages.append(PcapRecorder(sink: capture)) }
        stages.append(TunWriter(tun: tun))
        network.connect(device, linux, delay: .zero, stages: stages)
        network.setDefaultRoute(of: device, via: linux)
    }

    deinit { close() }

    /// Removes the interface and the namespace and closes the capture.
    public func close() {
        tun.close()
        try? capture?.close()
        capture = nil
        namespace?.remove()
        namespace = nil
    }

    /// How a user reaches the device (the namespace prefix included).
    public var reachHint: String {
        let prefix = configuration.namespace.map { "ip netns exec \($0) " } ?? ""
        let port = configuration.apps.first?.examplePort ?? 7
        return "\(prefix)nc \(configuration.deviceAddress) \(port)"
    }

    /// Asks `run` (on another thread) to return soon.
    public static func requestStop() { ctun_request_stop() }

    /// Whether a stop signal (or `requestStop()`) arrived: apps that compute for long check it.
    public static var stopRequested: Bool { ctun_stop_signal() != 0 }

    /// Runs until SIGINT/SIGTERM/SIGHUP, `requestStop()` or the configured duration; prints through `print`.
    /// Returns the stop reason.
    public func run(print: @escaping (String) -> Void) -> String {
        self.print = print
        ctun_clear_stop()
        ctun_install_stop_handlers()
        if configuration.output != .quiet {
            // Trace events are built only when someone reads them, so a quiet device builds no lines at all.
            network.onTrace = { [unowned self] event in
                switch event {
                case .segment, .timer: if configuration.output != .trace { return }
                default: break
                }
                self.print(line(event))
            }
        }
        network.run(until: virtualNow())
        startApps()
        let deadline = configuration.duration.map { virtualNow() + $0 }
        var buffer = DatagramBuffer(
            capacity: tun.hasVirtioHeader ? 65_536 + TunDevice.virtioHeaderLength : max(configuration.ipConfig.networkMTU, 576))
        var lastFlush = virtualNow()
        var reason = ""
        while true {
            let now = virtualNow()
            network.run(until: now)
            let signal = ctun_stop_signal()
            if signal != 0 {
                reason = signal == -1 ? "stopped on request"
                    : "stopped by signal \(signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "\(signal)")"
                break
            }
            if let halt = network.haltReason {
                reason = "stopped: \(halt)"
                break
            }
            if let deadline, now >= deadline {
                reason = "stopped after --duration \(configuration.duration!)"
                break
            }
            if now - lastFlush >= .seconds(1) {
                try? capture?.flush()
                lastFlush = now
            }
            // Datagrams waiting are taken at once; otherwise poll for a short while (a reply to what the
            // device just sent usually comes within tens of microseconds, sooner than a sleeping thread wakes),
            // then sleep in ppoll() until a datagram arrives or the next timer is due.
            if drain(&buffer) > 0 { continue }
            var wait = SimDuration.seconds(1)
            if let next = network.nextEventTime { wait = min(wait, next - now) }
            if let deadline { wait = min(wait, deadline - now) }
            if spin(&buffer, for: min(wait, Self.spinTime)) { continue }
            if tun.waitReadable(timeoutNanoseconds: (wait - Self.spinTime).nanoseconds) { _ = drain(&buffer) }
        }
        statistics.malformedTCP = device.stack.malformedPackets
        statistics.writeErrors = tun.writeErrors
        statistics.packetsOut = tun.written
        return reason
    }

    // MARK: - Packets from the kernel

    /// How long the loop keeps polling the TUN descriptor before it sleeps.
    static let spinTime = SimDuration.microseconds(200)

    /// Reads and handles up to 256 waiting datagrams (then timers get their turn); how many there were.
    /// App tasks run after the burst (`Host.holdWakeups()`), as they would after FreeRTOS's IP task.
    private func drain(_ buffer: inout DatagramBuffer) -> Int {
        var handled = 0
        device.holdWakeups()
        while handled < 256, let datagram = buffer.read(from: tun) {
            let arrival = virtualNow()
            network.run(until: arrival)
            if tun.hasVirtioHeader { receiveOffloaded(datagram) } else { receive(datagram) }
            handled += 1
        }
        device.releaseWakeups()
        network.run(until: network.now)
        return handled
    }

    /// Polls with non-blocking reads for up to `time`; whether a datagram came.
    private func spin(_ buffer: inout DatagramBuffer, for time: SimDuration) -> Bool {
        guard time > .zero else { return false }
        let end = virtualNow() + time
        repeat {
            if drain(&buffer) > 0 { return true }
        } while virtualNow() < end && ctun_stop_signal() == 0
        return false
    }

    private func receive(_ bytes: [UInt8]) {
        statistics.packetsIn += 1
        statistics.bytesIn += bytes.count
        guard let first = bytes.first else { return }
        if first >> 4 == 6 {
            statistics.ignoredIPv6 += 1
            return
        }
        if first >> 4 == 4, bytes.count >= 20, bytes[9] != 6 {
            if bytes[9] == ICMPEcho.protocolNumber {
                receiveICMP(bytes)
            } else {
                statistics.ignoredOtherProtocols += 1
            }
            return
        }
        // TCP, or not IPv4 at all: the stack parses, counts and drops what is malformed.
        network.deliverExternal(bytes, from: linux, to: device)
    }

    private func receiveICMP(_ bytes: [UInt8]) {
        capture?.record(bytes, at: network.now)
        guard configuration.ipConfig.replyToIncomingPings else { return }
        let destination = IPv4Address(rawValue: UInt32(bytes[16]) << 24 | UInt32(bytes[17]) << 16 | UInt32(bytes[18]) << 8 | UInt32(bytes[19]))
        guard destination == configuration.deviceAddress else { return }
        do {
            let reply = try ICMPEcho.reply(to: bytes[...])
            tun.write(reply)
            capture?.record(reply, at: network.now)
            statistics.pingsAnswered += 1
            if configuration.output == .trace {
                let sequence = Int(reply[26]) << 8 | Int(reply[27])
                print(line(time: network.now, host: "device", "ICMP echo request seq \(sequence), \(bytes.count) bytes: replied"))
            }
        } catch {
            statistics.droppedICMP += 1
            if configuration.output != .quiet {
                print(line(time: network.now, host: "device", "malformed packet dropped: \(error)"))
            }
        }
    }

    /// A datagram behind its virtio-net header: split when it is a TCP/IPv4 GSO datagram, checksums completed
    /// when the kernel left them partial, passed on as it is otherwise.
    private func receiveOffloaded(_ frame: [UInt8]) {
        let headerLength = TunDevice.virtioHeaderLength
        guard frame.count > headerLength else {
            statistics.packetsIn += 1
            return
        }
        let needsChecksum = frame[0] & 0x01 != 0
        let gsoType = frame[1] & 0x7F  // without the ECN bit
        let gsoSize = Int(frame[4]) | Int(frame[5]) << 8
        let datagram = frame[headerLength...]
        guard gsoType == 1 || (needsChecksum && datagram.count > 9 && datagram[datagram.startIndex + 9] == 6) else {
            guard gsoType == 0 else {
                statistics.packetsIn += 1
                statistics.ignoredOtherProtocols += 1
                return
            }
            receive(Array(datagram))
            return
        }
        do {
            let pieces = try TCPSegmentation.split(datagram, segmentSize: gsoType == 1 ? gsoSize : 65_535)
            if pieces.count > 1 {
                statistics.offloadedDatagrams += 1
                statistics.offloadedSegments += pieces.count
            }
            for piece in pieces { receive(piece) }
        } catch {
            // Not splittable: the stack sees it as it came, and counts it as malformed.
            receive(Array(datagram))
        }
    }

    // MARK: - Apps

    private func startApps() {
        for app in configuration.apps {
            switch app {
            case .terminalServer(let variant): TerminalServer(device: device, variant: variant).start()
            case .service(let service): device.startService(service)
            }
        }
    }

    // MARK: - Time

    private static func realtime() -> (seconds: Int64, nanoseconds: Int64) {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return (Int64(time.tv_sec), Int64(time.tv_nsec))
    }

    private static func monotonicNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    /// Wall-clock time as the model's clock: nanoseconds since the start's wall-clock second.
    private func virtualNow() -> SimInstant {
        SimInstant(nanoseconds: startOffset + Self.monotonicNanoseconds() - monotonicStart)
    }

    // MARK: - Lines

    private func line(_ event: TraceEvent) -> String {
        if case .segment(let time, let from, let to, _) = event {
            return line(time: time, host: "\(from) > \(to)", formatter.text(event))
        }
        return line(time: event.time, host: event.host, formatter.text(event))
    }

    /// `07:45:12.123456  device     text`, local wall-clock time like tcpdump.
    private func line(time: SimInstant, host: String, _ text: String) -> String {
        let total = epochSeconds * 1_000_000 + time.nanoseconds / 1000
        var seconds = time_t(total / 1_000_000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        let micro = total % 1_000_000
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let fraction = String(micro)
        let stamp = "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(String(repeating: "0", count: 6 - fraction.count))\(fraction)"
        let padded = host.count >= 10 ? host : host + String(repeating: " ", count: 10 - host.count)
        return "\(stamp)  \(padded) \(text)"
    }

    // MARK: - Set-up

    private static func validate(_ configuration: LiveDeviceConfiguration) throws(LiveDeviceError) {
        guard (8...30).contains(configuration.prefixLength) else {
            throw LiveDeviceError("--addr expects a prefix length from 8 to 30, found /\(configuration.prefixLength)")
        }
        let mask: UInt32 = ~0 << (32 - UInt32(configuration.prefixLength))
        let device = configuration.deviceAddress.rawValue
        let host = configuration.hostAddress.rawValue
        guard device != host else {
            throw LiveDeviceError("--addr and --host-addr must differ, found \(configuration.deviceAddress) for both")
        }
        guard device & mask == host & mask else {
            throw LiveDeviceError(
                "--host-addr \(configuration.hostAddress) is outside the device's subnet \(IPv4Address(rawValue: device & mask))/\(configuration.prefixLength)")
        }
        for address in [device, host] where address & ~mask == 0 || address & ~mask == ~mask {
            throw LiveDeviceError(
                "\(IPv4Address(rawValue: address)) is the network or broadcast address of /\(configuration.prefixLength); choose a host address")
        }
        let name = configuration.interfaceName
        guard !name.isEmpty, name.utf8.count < Int(IFNAMSIZ), !name.contains("/"),
            !name.contains(where: { $0 == " " || $0 == ":" })
        else {
            throw LiveDeviceError("--tun expects an interface name of 1 to \(IFNAMSIZ - 1) characters without '/', ':' or spaces, found '\(name)'")
        }
    }

    /// The interface name and both addresses must be free in the namespace the device runs in.
    private static func checkFree(_ configuration: LiveDeviceConfiguration) throws(LiveDeviceError) {
        let place = configuration.namespace.map { "network namespace \($0)" } ?? "this network namespace"
        if if_nametoindex(configuration.interfaceName) != 0 {
            throw LiveDeviceError(
                "interface \(configuration.interfaceName) already exists in \(place); choose another name with --tun")
        }
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return }
        defer { freeifaddrs(list) }
        var entry = list
        while let current = entry {
            defer { entry = current.pointee.ifa_next }
            guard let address = current.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET) else { continue }
            let ipv4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                IPv4Address(rawValue: UInt32(bigEndian: $0.pointee.sin_addr.s_addr))
            }
            let interface = String(cString: current.pointee.ifa_name)
            if ipv4 == configuration.hostAddress {
                throw LiveDeviceError(
                    "address \(ipv4) is already in use on \(interface) in \(place); choose another --host-addr")
            }
            if ipv4 == configuration.deviceAddress {
                throw LiveDeviceError(
                    "address \(ipv4) is already in use on \(interface) in \(place); choose another --addr")
            }
        }
    }

    private static func configureInterface(_ name: String, _ configuration: LiveDeviceConfiguration)
        throws(LiveDeviceError)
    {
        let namespace = configuration.namespace.map { ["-n", $0] } ?? []
        // No IPv6 link-local address: the kernel then sends no router solicitations or MLD reports.
        _ = HostCommands.run("ip", namespace + ["link", "set", "dev", name, "addrgenmode", "none"])
        try HostCommands.ip(namespace + ["addr", "add", "\(configuration.hostAddress)/\(configuration.prefixLength)", "dev", name])
        try HostCommands.ip(namespace + ["link", "set", "dev", name, "mtu", "\(configuration.ipConfig.networkMTU)", "up"])
        if configuration.namespace != nil {
            _ = HostCommands.run("ip", namespace + ["link", "set", "dev", "lo", "up"])
        }
    }
}

/// Reads datagrams straight into arrays that are then handed on (no copy): the array for the next read is
/// made only once the previous one has been filled.
struct DatagramBuffer {
    let capacity: Int
    private var next: [UInt8]

    init(capacity: Int) {
        self.capacity = capacity
        next = Self.make(capacity)
    }

    private static func make(_ capacity: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: capacity) { _, count in count = capacity }
    }

    /// The next datagram, or nil when none is waiting. A datagram longer than `capacity` (more than the
    /// interface MTU) arrives truncated, and the stack drops it as malformed.
    mutating func read(from tun: TunDevice) -> [UInt8]? {
        guard let count = next.withUnsafeMutableBytes({ tun.read(into: $0) }) else { return nil }
        var datagram = next
        next = Self.make(capacity)
        datagram.removeLast(datagram.count - count)
        return datagram
    }
}

/// The last stage of the device's link: what the device sends goes to the kernel through the TUN interface.
final class TunWriter: LinkStage {
    let tun: TunDevice
    init(tun: TunDevice) { self.tun = tun }

    func process(_ frame: Frame, emit: (Frame) -> Void) {
        guard frame.direction == .forward else { return emit(frame) }
        tun.write(frame.bytes)
    }
}
