import CTun

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A Linux TUN interface (`IFF_TUN | IFF_NO_PI`): each read returns one IPv4 (or IPv6) datagram the kernel
/// routed to the interface, each write hands one datagram to the kernel. The descriptor is non-blocking; the
/// interface disappears when it is closed (it is not made persistent).
public final class TunDevice {
    /// The interface name the kernel gave.
    public let name: String
    public private(set) var fileDescriptor: Int32
    /// Datagrams written, and writes the kernel refused (counted, not fatal: like a driver dropping a frame).
    public private(set) var written = 0
    public private(set) var writeErrors = 0

    /// Whether every datagram carries a 10-byte virtio-net header (segmentation offload on).
    public let hasVirtioHeader: Bool
    public static let virtioHeaderLength = 10

    /// Creates the interface `name` in the calling thread's network namespace. With `offload` the kernel may
    /// hand over TCP datagrams of up to 64 KiB with partial checksums (`TCPSegmentation` splits them).
    public init(name: String, offload: Bool = false) throws(LiveDeviceError) {
        var actual = [CChar](repeating: 0, count: Int(IFNAMSIZ))
        var step: Int32 = 0
        let fd = offload ? ctun_open_offload(name, &actual, UInt(actual.count), &step)
            : ctun_open(name, &actual, UInt(actual.count), &step)
        guard fd >= 0 else {
            let code = errno
            switch (step, code) {
            case (1, ENOENT), (1, ENODEV), (1, ENXIO):
                throw LiveDeviceError(
                    "cannot open /dev/net/tun: \(systemError(code)); load the tun module (modprobe tun) or run where TUN devices exist")
            case (1, EACCES), (1, EPERM), (2, EPERM), (2, EACCES):
                throw LiveDeviceError(
                    "cannot create TUN interface \(name): \(systemError(code)); it needs CAP_NET_ADMIN: run as root (sudo)")
            case (2, EBUSY), (2, EINVAL), (2, EEXIST):
                throw LiveDeviceError(
                    "cannot create TUN interface \(name): an interface of that name exists (\(systemError(code))); choose another with --tun")
            case (3, _):
                throw LiveDeviceError(
                    "cannot enable segmentation offload on \(name): \(systemError(code)); run with --no-offload")
            default:
                throw LiveDeviceError(
                    "cannot \(step == 1 ? "open /dev/net/tun" : "create TUN interface \(name)"): \(systemError(code))")
            }
        }
        hasVirtioHeader = offload
        fileDescriptor = fd
        self.name = String(decoding: actual.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit { close() }

    /// Reads one datagram into `buffer`; its length, or nil when none is waiting.
    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        while true {
            let count = Glibc.read(fileDescriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            return nil
        }
    }

    /// Hands one datagram to the kernel (behind an all-zero virtio-net header when offload is on: complete
    /// checksums, no segmentation).
    public func write(_ bytes: [UInt8]) {
        let count: Int
        if hasVirtioHeader {
            var header = [UInt8](repeating: 0, count: Self.virtioHeaderLength)
            count = header.withUnsafeMutableBytes { head in
                bytes.withUnsafeBytes { body in
                    var vectors = [iovec(iov_base: head.baseAddress, iov_len: head.count),
                                   iovec(iov_base: UnsafeMutableRawPointer(mutating: body.baseAddress), iov_len: body.count)]
                    return writev(fileDescriptor, &vectors, 2)
                }
            } - Self.virtioHeaderLength
        } else {
            count = bytes.withUnsafeBytes { Glibc.write(fileDescriptor, $0.baseAddress, $0.count) }
        }
        if count == bytes.count { written += 1 } else { writeErrors += 1 }
    }

    /// Waits until a datagram is readable or `timeout` nanoseconds pass (or a signal arrives);
    /// whether one is readable.
    public func waitReadable(timeoutNanoseconds: Int64) -> Bool {
        ctun_wait_readable(fileDescriptor, timeoutNanoseconds) == 1
    }

    public func close() {
        if fileDescriptor >= 0 {
            _ = Glibc.close(fileDescriptor)
            fileDescriptor = -1
        }
    }
}

/// `strerror` text for an errno value.
func systemError(_ code: Int32) -> String { String(cString: strerror(code)) }
