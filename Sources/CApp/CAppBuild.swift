import Foundation

/// `tcpsim cc`: compiles a user's FreeRTOS application with the system C compiler against tcpsim's FreeRTOS
/// headers and runtime, and embeds the configuration headers it found.
public struct CAppBuild: Sendable {
    public var sources: [String]
    public var output: String
    public var includeDirectories: [String] = []
    public var definitions: [String] = []
    public var extraFlags: [String] = []
    /// The compiler: `$CC`, else `cc`.
    public var compiler: String = ProcessInfo.processInfo.environment["CC"].flatMap { $0.isEmpty ? nil : $0 } ?? "cc"

    public init(sources: [String], output: String) {
        self.sources = sources
        self.output = output
    }

    /// tcpsim's `FreeRTOS.h`, `FreeRTOS_Sockets.h`… and the runtime's sources (`$TCPSIM_RUNTIME` overrides the
    /// installed copy, for work on the runtime itself).
    public static var runtimeDirectory: URL? {
        if let override = ProcessInfo.processInfo.environment["TCPSIM_RUNTIME"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return Bundle.module.url(forResource: "Runtime", withExtension: nil)
    }

    /// The search path: tcpsim's headers first (so they stand in for FreeRTOS's), then the user's `-I`
    /// directories, then the directories of the sources (where a small project keeps its config headers).
    public func searchPath(runtime: URL) -> [String] {
        var directories = [runtime.appendingPathComponent("include").path]
        for directory in includeDirectories + sources.map({ URL(fileURLWithPath: $0).deletingLastPathComponent().path })
        where !directories.contains(directory) {
            directories.append(directory)
        }
        return directories
    }

    /// The first `name` on the search path, as `#include "name"` from tcpsim's headers finds it.
    func locate(_ name: String, in directories: [String]) -> (path: String, text: String)? {
        for directory in directories.dropFirst() {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(name).standardizedFileURL.path
            if let data = FileManager.default.contents(atPath: path) {
                return (path, String(decoding: data, as: UTF8.self))
            }
        }
        return nil
    }

    /// The compiler's command line (for `--verbose` and tests), with the embedding source at `embedding`.
    public func arguments(runtime: URL, embedding: String) -> [String] {
        let sourceDirectory = runtime.appendingPathComponent("src")
        let runtimeSources = ((try? FileManager.default.contentsOfDirectory(atPath: sourceDirectory.path)) ?? [])
            .filter { $0.hasSuffix(".c") }.sorted().map { sourceDirectory.appendingPathComponent($0).path }
        return ["-std=gnu11", "-g", "-O1", "-fno-strict-aliasing"]
            + searchPath(runtime: runtime).map { "-I" + $0 }
            + definitions.map { "-D" + $0 }
            + extraFlags
            + sources + runtimeSources + [embedding]
            + ["-o", output]
    }

    /// Runs the compiler; its messages go to standard error as they are. Returns its exit status.
    public func run(verbose: Bool = false) throws -> Int32 {
        guard let runtime = Self.runtimeDirectory else {
            throw CAppFailure(description: "tcpsim's C runtime is missing from this installation (Runtime resource)")
        }
        for source in sources where !FileManager.default.fileExists(atPath: source) {
            throw CAppFailure(description: "\(source): no such file")
        }
        let directories = searchPath(runtime: runtime)
        let temporary = FileManager.default.temporaryDirectory
            .appendingPathComponent("tcpsim-cc-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: temporary) }
        let embedding = temporary.appendingPathComponent("tcpsim_embedded.c")
        try CAppImage.embeddingSource(kernelConfig: locate("FreeRTOSConfig.h", in: directories),
                                      ipConfig: locate("FreeRTOSIPConfig.h", in: directories))
            .write(to: embedding, atomically: true, encoding: .utf8)
        let arguments = arguments(runtime: runtime, embedding: embedding.path)
        if verbose { FileHandle.standardError.write(Data(([compiler] + arguments).joined(separator: " ").utf8 + [10])) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [compiler] + arguments
        do {
            try process.run()
        } catch {
            throw CAppFailure(description: "cannot run the C compiler '\(compiler)': \(error.localizedDescription)")
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
