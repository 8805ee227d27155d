import Foundation

/// The whole file as text; a binary file (one with a NUL byte) is refused (invalid UTF-8 is replaced, not rejected), or a one-line error.
func readConfigText(_ path: String) throws -> String {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
        throw CLIError("cannot read '\(path)': Is a directory")
    }
    guard let handle = FileHandle(forReadingAtPath: path) else {
        let reason = FileManager.default.fileExists(atPath: path) ? "Permission denied" : "No such file or directory"
        throw CLIError("cannot read '\(path)': \(reason)")
    }
    defer { try? handle.close() }
    do {
        // A configuration header is a few kilobytes; refuse devices and files that never end.
        let limit = 16 << 20
        let data = try handle.read(upToCount: limit + 1) ?? Data()
        guard data.count <= limit else {
            throw CLIError("cannot read '\(path)': larger than 16 MiB, expected a FreeRTOSIPConfig.h")
        }
        if let nul = data.firstIndex(of: 0) {
            throw CLIError("cannot read '\(path)': binary file (NUL at byte \(nul - data.startIndex)), expected text")
        }
        return String(decoding: data, as: UTF8.self)
    } catch let error as CLIError {
        throw error
    } catch {
        throw CLIError("cannot read '\(path)': \(error.localizedDescription)")
    }
}

/// Standard error as a text stream, for `print(…, to:)`.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}
