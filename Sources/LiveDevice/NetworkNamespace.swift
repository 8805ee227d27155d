import CTun


#if canImport(Glibc)
import Glibc
#endif

/// A named network namespace (`ip netns add NAME`, a bind mount under /run/netns) that this process made and
/// removes again; `enter()` moves the calling thread into it, so the TUN interface opened afterwards lives there.
public final class NetworkNamespace {
    public let name: String
    public var path: String { "/run/netns/\(name)" }
    private var removed = false

    /// Creates the namespace; fails if one of that name exists.
    public init(creating name: String) throws(LiveDeviceError) {
        guard !name.isEmpty, name.count < 64, !name.contains("/"), name != ".", name != "..",
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        else {
            throw LiveDeviceError("--netns expects a name of letters, digits, '-', '_' or '.', found '\(name)'")
        }
        self.name = name
        if access("/run/netns/\(name)", F_OK) == 0 {
            removed = true
            throw LiveDeviceError(
                "network namespace '\(name)' exists; choose another --netns name or remove it with 'ip netns del \(name)'")
        }
        do {
            try HostCommands.ip(["netns", "add", name])
        } catch {
            removed = true
            throw error
        }
    }

    /// Moves the calling thread into the namespace.
    public func enter() throws(LiveDeviceError) {
        guard ctun_enter_netns(path) == 0 else {
            let code = errno
            throw LiveDeviceError("cannot enter network namespace \(name) (\(path)): \(systemError(code))")
        }
    }

    /// Removes the namespace (`ip netns del`); processes still inside keep it alive until they leave.
    public func remove() {
        guard !removed else { return }
        removed = true
        _ = HostCommands.run("ip", ["netns", "del", name])
    }

    deinit { remove() }
}
