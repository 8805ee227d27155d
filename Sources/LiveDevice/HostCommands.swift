import Foundation

/// Runs `ip` (iproute2) for the few settings the device needs on the host side, and reports its error text.
enum HostCommands {
    /// Runs `ip ARGS…`; throws with the command and its first error line when it fails.
    static func ip(_ arguments: [String]) throws(LiveDeviceError) {
        let (status, error) = run("ip", arguments)
        guard status == 0 else {
            throw LiveDeviceError("'ip \(arguments.joined(separator: " "))' failed: \(error)")
        }
    }

    /// Runs `program` (looked up in PATH) and returns its exit status and first line of standard error.
    static func run(_ program: String, _ arguments: [String]) -> (status: Int32, error: String) {
        guard let path = locate(program) else { return (127, "\(program) not found in PATH (install iproute2)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let errorPipe = Pipe()
        process.standardError = errorPipe
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return (127, "cannot run \(path): \(error.localizedDescription)")
        }
        let data = errorPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        return (process.terminationStatus, text.isEmpty ? "exit status \(process.terminationStatus)" : text)
    }

    static func locate(_ program: String) -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/sbin:/usr/bin:/bin"
        for directory in paths.split(separator: ":") {
            let candidate = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
