/// Devices — how IP packets move between stacks: the `PacketSink` protocol, link stages
/// (`InMemoryLink`, `FaultInjector`, `PcapRecorder`, `Tracer`). No OS calls; no Foundation.
import SimClock

/// Something that records whole IPv4 packets with a timestamp (a pcap writer, a test buffer).
public protocol PacketSink: AnyObject {
    /// Records `packet` (an IPv4 datagram, starting at its IP header) as seen at `time`.
    func record(_ packet: [UInt8], at time: SimInstant)
}
