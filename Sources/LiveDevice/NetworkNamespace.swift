import CTun


#if canImport(Glibc)
import Glibc
#endif

/// A named network namespace (`ip netns add NAME`, a bind mount under /run/netns) that this process made and
/// removes again; `enter()` moves the calling thread into it, so the TUN interface opened afterwards lives there.
///
/// The namespace does not outlive this process, however it ends: a marker (`/run/tcpsim/netns-NAME`, holding
/// this process's pid) says tcpsim made it, and a watchdog process, started in a session of its own, removes it
/// when this process has gone — even after SIGKILL. A namespace whose marker names a process that no longer runs
/// (a machine that crashed) is removed by the next start; one without a marker is never touched.
public final class NetworkNamespace {
    public let name: String
    public var path: String { "/run/netns/\(name)" }
    private var removed = false
    private var watchdog: Int32 = -1
    static let markerDirectory = "/run/tcpsim"
    var markerPath: String { "\(Self.markerDirectory)/netns-\(name)" }

    /// Creates the namespace; fails if one of that name exists.
    public init(creating name: String) throws(LiveDeviceError) {
        guard !name.isEmpty, name.count < 64, !name.contains("/"), name != ".", name != "..",
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        else {
            throw LiveDeviceError("--netns expects a name of letters, digits, '-', '_' or '.', found '\(name)'")
        }
        self.name = name
        if access("/run/netns/\(name)", F_OK) == 0 {
            guard let owner = Self.markerPID(markerPath), kill(owner, 0) != 0, errno == ESRCH else {
                removed = true
                let whose = Self.markerPID(markerPath).map { "tcpsim (pid \($0)) is using it" } ?? "tcpsim did not create it"
                throw LiveDeviceError(
                    "network namespace '\(name)' exists and \(whose); choose another --netns name or remove it with 'ip netns del \(name)'")
            }
            // Left behind by a tcpsim that no longer runs.
            _ = HostCommands.run("ip", ["netns", "del", name])
            unlink(markerPath)
        }
        do {
            try HostCommands.ip(["netns", "add", name])
        } catch {
            removed = true
            throw error
        }
        mkdir(Self.markerDirectory, 0o755)
        let pid = getpid()
        if let file = fopen(markerPath, "w") {
            fputs("\(pid)\n", file)
            fclose(file)
        }
        // Removes the namespace once this process is gone, if the marker is still ours.
        watchdog = ctun_spawn_watchdog(
            "read _; [ \"$(cat \(markerPath) 2>/dev/null)\" = \"\(pid)\" ] && ip netns del \(name) && rm -f \(markerPath)")
    }

    /// The pid a marker file names.
    static func markerPID(_ path: String) -> pid_t? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 32)
        guard fgets(&buffer, 32, file) != nil else { return nil }
        let text = String(cString: buffer).filter { $0.isNumber }
        return Int32(text).flatMap { $0 > 0 ? $0 : nil }
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
        unlink(markerPath)
        if watchdog >= 0 {
            close(watchdog)  // its marker check now fails: it exits without touching anything
            watchdog = -1
        }
    }

    deinit { remove() }
}
