import Foundation
import Testing

/// `tcpsim cc` and `--c-app` as a user runs them: their own C files in a directory of their own.
@Suite("tcpsim cc and --c-app")
struct CAppCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `tcpsim cc -o DIR/NAME Fixtures/apps/APP/*.c ARGS…`; the program's path.
    static func build(_ app: String, in directory: URL, _ arguments: [String] = []) throws -> String {
        let sources = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Fixtures/apps/\(app)").path)
            .filter { $0.hasSuffix(".c") }.sorted().map { "Fixtures/apps/\(app)/\($0)" }
        let output = directory.appendingPathComponent(app).path
        let result = try CLI.run(["cc", "-o", output] + arguments + sources, in: root)
        #expect(result.status == 0, "tcpsim cc failed: \(result.error)")
        return output
    }

    @Test func theCTerminalServerReproducesTheStallFromTheCommandLine() throws {
        let directory = try CLI.temporaryDirectory()
        let program = try Self.build("terminal-server", in: directory)
        let result = try CLI.run(["stall", "-q", "--c-app", program])
        #expect(result.status == 0)
        #expect(result.output.contains("port 3301 accepted a new client after 40.1 s (cause: hang protection"))
        let capped = try CLI.run(["cc", "-o", program + "-capped", "-DRELEASE_WAIT_MS=4000", "-I", "Fixtures/apps/terminal-server",
                                  "Fixtures/apps/terminal-server/main.c", "Fixtures/apps/terminal-server/terminal_server.c"], in: Self.root)
        #expect(capped.status == 0, "\(capped.error)")
        let verdict = try CLI.run(["stall", "-q", "--c-app", program + "-capped"])
        #expect(verdict.output.contains("port 3301 accepted a new client after 4.1 s"))
    }

    @Test func aUsersOwnProgramRunsAScriptThatChecksItsSegments() throws {
        // A user's own files: an app that accepts on port 4000, reads one line and answers "OK", and its
        // configuration headers, in a directory that is not one of tcpsim's.
        let directory = try CLI.temporaryDirectory()
        try """
            #define configTICK_RATE_HZ ( ( TickType_t ) 1000 )
            #define configMAX_PRIORITIES 5
            #define configMINIMAL_STACK_SIZE 128
            """.write(to: directory.appendingPathComponent("FreeRTOSConfig.h"), atomically: true, encoding: .utf8)
        try "#define ipconfigUSE_TCP 1\n".write(to: directory.appendingPathComponent("FreeRTOSIPConfig.h"), atomically: true, encoding: .utf8)
        try """
            #include "FreeRTOS.h"
            #include "task.h"
            #include "FreeRTOS_IP.h"
            #include "FreeRTOS_Sockets.h"

            static void prvServer( void * pv )
            {
                ( void ) pv;
                struct freertos_sockaddr xAddress = { 0 };
                Socket_t xListener = FreeRTOS_socket( FREERTOS_AF_INET, FREERTOS_SOCK_STREAM, FREERTOS_IPPROTO_TCP );
                xAddress.sin_port = FreeRTOS_htons( 4000 );
                FreeRTOS_bind( xListener, &xAddress, sizeof( xAddress ) );
                FreeRTOS_listen( xListener, 2 );
                for( ;; )
                {
                    Socket_t xClient = FreeRTOS_accept( xListener, NULL, NULL );
                    char cBuffer[ 64 ];
                    if( FreeRTOS_recv( xClient, cBuffer, sizeof( cBuffer ), 0 ) > 0 ) FreeRTOS_send( xClient, "OK", 2, 0 );
                    vTaskDelay( pdMS_TO_TICKS( 10 ) );
                }
            }

            int main( void )
            {
                static const uint8_t ucAddress[ 4 ] = { 10, 0, 0, 5 }, ucMask[ 4 ] = { 255, 255, 255, 0 }, ucMAC[ 6 ] = { 2 };
                FreeRTOS_IPInit( ucAddress, ucMask, ucAddress, ucAddress, ucMAC );
                xTaskCreate( prvServer, "Server", 256, NULL, 1, NULL );
                vTaskStartScheduler();
                return 0;
            }
            """.write(to: directory.appendingPathComponent("main.c"), atomically: true, encoding: .utf8)
        try """
            --device_app=c:4000
            0.1   < S 0:0(0) win 8192 <mss 1460>
            +0    > S. 0:0(0) ack 1 <...>
            +0.01 < . 1:1(0) ack 1 win 8192
            +0.01 < P. 1:6(5) ack 1 win 8192
            +0    > . 1:1(0) ack 6 <...>
            +0    > P. 1:3(2) ack 6 <...>
            """.write(to: directory.appendingPathComponent("check.pkt"), atomically: true, encoding: .utf8)
        let built = try CLI.run(["cc", "-o", "server", "main.c"], in: directory)
        #expect(built.status == 0, "\(built.error)")
        let pcap = directory.appendingPathComponent("run.pcap").path
        let result = try CLI.run(["run", "check.pkt", "--c-app", "./server", "--pcap", pcap, "--events"], in: directory)
        #expect(result.status == 0, "\(result.error)\n\(result.output)")
        #expect(result.output.contains("check.pkt: 6 steps passed"))
        #expect(result.output.contains("FreeRTOS_IPInit(10.0.0.5): the device is 192.0.2.2 in this run"))
        #expect(result.output.contains("FreeRTOS_send(#"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: pcap)).count > 100)
        // Run on its own, the program says where it belongs.
        let alone = try CLI.runProgram(directory.appendingPathComponent("server").path)
        #expect(alone.status == 2)
        #expect(alone.error.contains("built by `tcpsim cc`"))
    }

    @Test func theCTerminalServerReplaysTheReferenceCapturesLikeTheSwiftModel() throws {
        let directory = try CLI.temporaryDirectory()
        let program = try Self.build("terminal-server", in: directory)
        for (capture, summary) in [("S1-basic", "4/4 device segments match"), ("S2-device-close", "12/12 device segments match")] {
            let c = try CLI.run(["replay", "pcaps/\(capture).pcap", "--c-app", program], in: Self.root)
            #expect(c.status == 0, "\(c.error)")
            #expect(c.output.contains(summary), "\(c.output)")
            let swift = try CLI.run(["replay", "pcaps/\(capture).pcap", "--config", "Fixtures/configs/terminal-server.h",
                                     "--app", "terminal-server"], in: Self.root)
            #expect(swift.output.contains(summary))
        }
    }

    @Test func theStepperWalksTheCAppsStall() throws {
        let directory = try CLI.temporaryDirectory()
        let program = try Self.build("terminal-server", in: directory)
        let commands = directory.appendingPathComponent("commands")
        try "until state 3 eCLOSE_WAIT\n".write(to: commands, atomically: true, encoding: .utf8)
        let result = try CLI.run(["step", "stall", "--c-app", program, "--plain", "--commands", commands.path, "--width", "120"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("state 3 eCLOSE_WAIT at event"))
        #expect(result.output.contains("41.999000  device     #3 eFIN_WAIT_1 → eCLOSE_WAIT"))
        #expect(result.output.contains("device #3 port 3301 -> 192.0.2.1."))
        #expect(result.output.contains("hang protection"))
    }

    @Test func compilerErrorsAreTheCompilersOwn() throws {
        let directory = try CLI.temporaryDirectory()
        try "#include \"FreeRTOS.h\"\nint main( void ) { return undeclared_name; }\n"
            .write(to: directory.appendingPathComponent("broken.c"), atomically: true, encoding: .utf8)
        try "#define configTICK_RATE_HZ 1000\n".write(to: directory.appendingPathComponent("FreeRTOSConfig.h"), atomically: true, encoding: .utf8)
        let result = try CLI.run(["cc", "-o", "broken", "broken.c"], in: directory)
        #expect(result.status != 0)
        #expect(result.error.contains("broken.c:2:"))
        #expect(result.error.contains("undeclared_name"))
        #expect(result.error.contains("tcpsim cc: the C compiler failed"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("broken").path))
    }

    @Test func aProgramNotBuiltByTcpsimIsRefusedWithAClearLine() throws {
        let result = try CLI.run(["stall", "--c-app", "/bin/true"])
        #expect(result.status != 0)
        #expect(result.error.contains("/bin/true: expected a program built by tcpsim cc"))
        let missing = try CLI.run(["run", "Fixtures/scenarios/passive-close.pkt", "--c-app", "/nonexistent/app"], in: Self.root)
        #expect(missing.status != 0)
        #expect(missing.error.contains("/nonexistent/app: cannot read the program (no such file)"))
        let both = try CLI.run(["stall", "--c-app", "/bin/true", "--config", "Fixtures/configs/terminal-server.h"], in: Self.root)
        #expect(both.status != 0)
    }

    @Test func oneAppPerPortOnALiveDevice() throws {
        let result = try CLI.run(["device", "--netns", "unused", "--app", "echo", "--app", "echo"])
        #expect(result.status != 0)
        #expect(result.error == "Error: --app echo is given twice; each app serves its own port, once\n")
    }

    @Test func aScriptThatNeedsACAppSaysSo() throws {
        let directory = try CLI.temporaryDirectory()
        try "--device_app=c:7\n0 < S 0:0(0) win 8192\n".write(to: directory.appendingPathComponent("needs.pkt"), atomically: true, encoding: .utf8)
        let result = try CLI.run(["run", "needs.pkt"], in: directory)
        #expect(result.status != 0)
        #expect(result.error.contains("needs.pkt: --device_app=c:7 needs a C application: tcpsim run needs.pkt --c-app PROGRAM"))
    }
}

/// A user's crash is not tcpsim's: `Fixtures/apps/crash` built with each failure, run by `tcpsim run`.
@Suite("C application failures")
struct CAppFailureTests {
    @Test(arguments: [
        ("CRASH_NULL", #"app crashed: SIGSEGV at address 0x8 in task "Listener" at t=0.010000 s"#),
        ("CRASH_ASSERT", #"app assertion failed: configASSERT( 0 ) failed at "#),
        ("CRASH_STACK", #"app crashed: stack overflow (SIGSEGV in the guard page) in task "Recurse" at t=0.010000 s"#),
        ("CRASH_BUSY", #"app busy: task "Spinner" ran "#),
        ("CRASH_POLL", #"app livelock at t=0.000000 s: task "Poller" made 100000 calls (the last: FreeRTOS_recv) without blocking"#),
        ("CRASH_RETURN", #"app error: task "Returner" returned from its function"#),
    ])
    func theRunStopsWithOneLineAndKeepsTheTraceAndCapture(variant: String, message: String) throws {
        let directory = try CLI.temporaryDirectory()
        let program = try CAppCommandTests.build("crash", in: directory, ["-D", variant])
        let trace = directory.appendingPathComponent("run.trace").path
        let pcap = directory.appendingPathComponent("run.pcap").path
        let result = try CLI.run(["run", "Fixtures/apps/crash/check.pkt", "--c-app", program, "--trace", trace, "--pcap", pcap],
                                 in: CAppCommandTests.root)
        #expect(result.status == 1)
        #expect(result.error.hasPrefix(message), "\(result.error)")
        #expect(result.error.split(separator: "\n").count == 1)
        // The trace up to the failure is written, ending with the report; the capture file is valid.
        let lines = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n")
        #expect(lines.last?.contains(message) == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: pcap)).count >= 24)
        // Nothing of the application is left running.
        let running = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).filter { entry in
            Int(entry) != nil && (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/exe")) == program
        }
        #expect(running.isEmpty)
    }

    @Test func withoutAFailureTheSameScriptPasses() throws {
        let directory = try CLI.temporaryDirectory()
        let program = try CAppCommandTests.build("crash", in: directory)
        let result = try CLI.run(["run", "Fixtures/apps/crash/check.pkt", "--c-app", program], in: CAppCommandTests.root)
        #expect(result.status == 0, "\(result.error)")
    }
}
