import CApp
import Foundation
import IPConfig
import Testing

/// The fixture applications under `Fixtures/apps`, built once per test run with `tcpsim cc`'s builder.
enum FixtureApps {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let apps = root.appendingPathComponent("Fixtures/apps")
    private static let lock = NSLock()
    nonisolated(unsafe) private static var built: [String: String] = [:]
    static let output = FileManager.default.temporaryDirectory
        .appendingPathComponent("tcpsim-capp-tests-\(ProcessInfo.processInfo.processIdentifier)")

    /// Builds `Fixtures/apps/NAME` (all its .c files) with `definitions`; returns the program's path.
    static func build(_ name: String, definitions: [String] = []) throws -> String {
        let key = ([name] + definitions).joined(separator: " ")
        lock.lock()
        defer { lock.unlock() }
        if let path = built[key] { return path }
        let directory = apps.appendingPathComponent(name)
        let sources = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".c") }.sorted().map { directory.appendingPathComponent($0).path }
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let program = output.appendingPathComponent(key.replacingOccurrences(of: " ", with: "_")
            .replacingOccurrences(of: "=", with: "-")).path
        var build = CAppBuild(sources: sources, output: program)
        build.definitions = definitions
        let status = try build.run()
        #expect(status == 0, "tcpsim cc \(name) failed")
        built[key] = program
        return program
    }

    /// The image of a built fixture, with its device configuration.
    static func image(_ name: String, definitions: [String] = []) throws -> (image: CAppImage, config: IPConfig) {
        let image = try CAppImage(path: try build(name, definitions: definitions))
        return (image, image.deviceConfig().config)
    }
}
