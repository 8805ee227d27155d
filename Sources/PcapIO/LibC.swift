// Small helpers around the C library and libpcap's error strings.
import CPcap

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The text of a NUL-terminated `errbuf` filled by libpcap.
func string(fromErrorBuffer buffer: [CChar]) -> String {
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
}

/// libpcap's last error for `handle`.
func lastError(of handle: OpaquePointer) -> String {
    guard let message = pcap_geterr(handle) else { return "unknown libpcap error" }
    return String(cString: message)
}

/// The system's text for `errno` value `code`.
func systemErrorText(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "error \(code)" }
    return String(cString: text)
}

/// libpcap prefixes file errors with the file name ("x.pcap: No such file or directory"); drop it,
/// since `PcapError` names the file itself.
func removingPathPrefix(_ message: String, path: String) -> String {
    let prefix = path + ": "
    return message.hasPrefix(prefix) ? String(message.dropFirst(prefix.count)) : message
}
