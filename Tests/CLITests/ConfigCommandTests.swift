import Foundation
import Testing

@Suite("tcpsim config")
struct ConfigCommandTests {
    /// The package root, so that the fixture path in the output is the relative one a user types.
    private static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The table row for `macro`, split into value and source; ("missing", "missing") if there is none.
    private func row(_ macro: String, in output: String) -> (value: String, source: String) {
        for line in output.split(separator: "\n") {
            let columns = line.split(separator: "  ", omittingEmptySubsequences: true)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if columns.count == 3 && columns[0] == macro { return (columns[1], columns[2]) }
        }
        return ("missing", "missing")
    }

    @Test func withoutAFileItPrintsTheDefaults() throws {
        let result = try CLI.run(["config"])
        #expect(result.status == 0)
        #expect(result.error.isEmpty)
        #expect(result.output.hasPrefix("FreeRTOS+TCP defaults:\n"))
        #expect(row("ipconfigTCP_MSS", in: result.output) == ("1460 bytes", "default"))
        #expect(row("ipconfigTCP_KEEP_ALIVE", in: result.output) == ("0 (disabled)", "default"))
        #expect(row("ipconfigSOCK_DEFAULT_RECEIVE_BLOCK_TIME", in: result.output)
            == ("portMAX_DELAY (forever)", "default"))
        #expect(row("tcpMAXIMUM_TCP_WAKEUP_TIME_MS", in: result.output) == ("20000 ms", "default"))
    }

    @Test func withTheFixtureItPrintsValuesSourcesAndWarnings() throws {
        let path = "Fixtures/configs/FreeRTOSIPConfig.h"
        let result = try CLI.run(["config", path], in: Self.packageRoot)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.hasPrefix("FreeRTOS+TCP configuration from \(path):\n"))
        #expect(row("ipconfigTCP_KEEP_ALIVE", in: result.output) == ("1 (enabled)", "\(path):36"))
        #expect(row("ipconfigSUPPORT_SELECT_FUNCTION", in: result.output) == ("1 (enabled)", "\(path):42"))
        #expect(row("ipconfigTCP_HANG_PROTECTION_TIME", in: result.output) == ("30 s", "\(path):39"))
        #expect(row("ipconfigTCP_TX_BUFFER_LENGTH", in: result.output) == ("2920 bytes", "\(path):30"))
        #expect(row("ipconfigSOCK_DEFAULT_RECEIVE_BLOCK_TIME", in: result.output)
            == ("5000 ticks (5000 ms)", "\(path):43"))
        #expect(row("ipconfigTCP_SRTT_MINIMUM_VALUE_MS", in: result.output) == ("50 ms", "default"))

        let warnings = result.error.split(separator: "\n").map(String.init)
        #expect(warnings.count == 6)
        #expect(warnings.allSatisfy { $0.hasPrefix("\(path):") && $0.contains(": warning: ") })
        #expect(warnings.first == "\(path):12:1: warning: #include \"FreeRTOSConfig.h\" not followed: only this file "
            + "is read (define configTICK_RATE_HZ here if it is not 1000)")
        #expect(warnings.contains("\(path):49:9: warning: expected a TCP setting tcpsim models, found "
            + "'ipconfigTCP_KEEPALIVE_INTERVAL' (did you mean 'ipconfigTCP_KEEP_ALIVE_INTERVAL'?); ignored"))
        #expect(warnings.last == "\(path):50:53: warning: cannot evaluate ipconfigTCP_SRTT_MINIMUM_VALUE_MS: "
            + "expected a number or a defined macro, found 'BOARD_SRTT_FLOOR_MS'; ignored")
    }

    @Test func aMissingFileIsAOneLineErrorWithExitStatusOne() throws {
        let result = try CLI.run(["config", "no-such-dir/FreeRTOSIPConfig.h"])
        #expect(result.status == 1)
        #expect(result.output.isEmpty)
        #expect(result.error == "Error: cannot read 'no-such-dir/FreeRTOSIPConfig.h': No such file or directory\n")
    }

    @Test func aDirectoryIsAOneLineError() throws {
        let result = try CLI.run(["config", "Fixtures"], in: Self.packageRoot)
        #expect(result.status == 1)
        #expect(result.error == "Error: cannot read 'Fixtures': Is a directory\n")
    }

    @Test func helpExplainsTheCommand() throws {
        let result = try CLI.run(["config", "--help"])
        #expect(result.status == 0)
        #expect(result.output.contains("USAGE: tcpsim config [<file>]"))
        #expect(result.output.contains("FreeRTOSIPConfig.h"))
        let root = try CLI.run(["--help"])
        #expect(root.output.contains("config"))
    }
}
