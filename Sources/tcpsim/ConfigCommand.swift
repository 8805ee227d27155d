import ArgumentParser
import Foundation
import IPConfig

/// `tcpsim config [FILE]`: the FreeRTOS+TCP configuration the simulator would use, and where each value came from.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show the FreeRTOS+TCP configuration a FreeRTOSIPConfig.h gives the simulator.",
        discussion: """
            Reads FILE the way the C compiler would see its values: '#define NAME value' lines (with \
            line continuations and comments), or a device's 'NAME = value' dump of its macros. Values may use \
            integer arithmetic, casts such as ( TickType_t ), pdMS_TO_TICKS( ms ), portMAX_DELAY, pdTRUE and \
            other macros of the file. Settings the file leaves out take FreeRTOS+TCP's defaults, derived from \
            what it does set (ipconfigTCP_MSS follows ipconfigNETWORK_MTU, the buffers follow the MSS). #if and \
            #ifdef are not evaluated, and #include is not followed.

            Prints every TCP setting the simulator models: the macro, its value with a unit, and the file:line \
            it came from or 'default'. Without FILE, prints the defaults. Lines that were skipped (macros the \
            simulator does not model, values it cannot evaluate or that FreeRTOS+TCP would reject) are listed \
            on stderr as FILE:LINE:COL: warning: lines. The exit status is 0 whenever FILE could be read.

            Examples:
              tcpsim config
              tcpsim config Fixtures/configs/terminal-server.h
            """)

    @Argument(help: "A FreeRTOSIPConfig.h, or a 'NAME = value' dump of a device's ipconfig macros.")
    var file: String?

    func run() throws {
        let header: IPConfigHeader
        if let file {
            header = IPConfigHeader(parsing: try readConfigHeader(file), fileName: file)
            print("FreeRTOS+TCP configuration from \(file):")
        } else {
            header = IPConfigHeader(parsing: "", fileName: "")
            print("FreeRTOS+TCP defaults:")
        }
        let rows = header.table()
        let nameWidth = rows.map(\.name.count).max() ?? 0
        let valueWidth = rows.map(\.value.count).max() ?? 0
        for row in rows {
            print("  " + row.name.padded(to: nameWidth) + "  " + row.value.padded(to: valueWidth) + "  " + row.source)
        }
        var standardError = StandardError()
        for diagnostic in header.diagnostics {
            print(diagnostic, to: &standardError)
        }
    }
}

extension String {
    fileprivate func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
