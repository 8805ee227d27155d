#if canImport(Glibc)
import Glibc
#endif

/// Runs `ip` (iproute2) for the few settings the device needs on the host side, and reports its error text.
///
/// Programs are started with `posix_spawn` directly: Foundation's `Process` needs a loopback socket for its
/// run loop, which a fresh network namespace (`unshare -n`) does not have.
enum HostCommands {
    /// Runs `ip ARGS…`; throws with the command and its first error line when it fails.
    static func ip(_ arguments: [String]) throws(LiveDeviceError) {
        let (status, error) = run("ip", arguments)
        guard status == 0 else {
            throw LiveDeviceError("'ip \(arguments.joined(separator: " "))' failed: \(error)")
        }
    }

    /// Runs `program` (looked up in PATH and the sbin directories) with standard output discarded; returns its
    /// exit status and the first line of its standard error.
    static func run(_ program: String, _ arguments: [String]) -> (status: Int32, error: String) {
        guard let path = locate(program) else { return (127, "\(program) not found (install iproute2)") }
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { return (127, "cannot create a pipe: \(systemError(errno))") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 2)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        posix_spawn_file_actions_addclose(&actions, pipeEnds[1])

        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
        close(pipeEnds[1])
        guard spawned == 0 else {
            close(pipeEnds[0])
            return (127, "cannot run \(path): \(systemError(spawned))")
        }
        var errorBytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(pipeEnds[0], $0.baseAddress, $0.count) }
            if count > 0 {
                errorBytes += chunk[0..<count]
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
        close(pipeEnds[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS, spelled out (the macros are not imported).
        let exitStatus: Int32 = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let text = String(decoding: errorBytes, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        return (exitStatus, text.isEmpty ? "exit status \(exitStatus)" : text)
    }

    static func locate(_ program: String) -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? ""
        for directory in path.split(separator: ":") + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"] {
            let candidate = "\(directory)/\(program)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}
