import Foundation

/// The whole file as text (invalid UTF-8 is replaced, not rejected), or a one-line error: a file larger than
/// `limit`, or binary data (a NUL byte, located as `file:line:col`).
func readConfigText(_ path: String, limit: Int = 16 << 20, expected: String = "a text file") throws -> String {
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
        // Refuse devices and files that never end.
        let data = try handle.read(upToCount: limit + 1) ?? Data()
        guard data.count <= limit else {
            throw CLIError("cannot read '\(path)': larger than \(limit >> 20) MiB, expected \(expected)")
        }
        if let nul = data.firstIndex(of: 0) {
            let before = data[data.startIndex..<nul]
            let line = before.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? data.startIndex
            let column = String(decoding: data[lineStart..<nul], as: UTF8.self).unicodeScalars.count + 1
            throw CLIError("\(path):\(line):\(column): binary data (NUL byte), expected \(expected)")
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
