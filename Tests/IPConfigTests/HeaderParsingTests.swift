import Foundation
import IPConfig
import Testing

/// `Fixtures/configs/FreeRTOSIPConfig.h`, found from this file's path so the tests run from any directory.
private func fixture() throws -> String {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    return try String(contentsOf: root.appendingPathComponent("Fixtures/configs/FreeRTOSIPConfig.h"), encoding: .utf8)
}

/// Lines copied from a real device's dump of its ipconfig macros (`device_ipconfig_all.txt`).
private let deviceDump = """
    ipconfigALLOW_SOCKET_SEND_WITHOUT_BIND           = ( 1 )
    ipconfigDNS_RECEIVE_BLOCK_TIME_TICKS             = ( ( TickType_t ) ( ( ( uint64_t ) ( 5000 ) * ( uint64_t ) ( 1000 ) ) / ( uint64_t ) 1000U ) )
    ipconfigEVENT_QUEUE_LENGTH                       = ( ( 45 ) + 5 )
    ipconfigHAS_DEBUG_PRINTF                         = 1
    ipconfigIP_TASK_PRIORITY                         = ( ( 7 ) - 2 )
    ipconfigISO_STRICTNESS_VIOLATION_END             =
    ipconfigIS_DISABLED                              = ipconfigIS_DISABLED
    ipconfigMAX_IP_TASK_SLEEP_TIME                   = ( ( TickType_t ) ( ( ( uint64_t ) ( 10000 ) * ( uint64_t ) ( 1000 ) ) / ( uint64_t ) 1000U ) )
    ipconfigNETWORK_MTU                              = ( 1500 )
    ipconfigNUM_NETWORK_BUFFER_DESCRIPTORS           = ( 45 )
    ipconfigSOCK_DEFAULT_RECEIVE_BLOCK_TIME          = ( ( TickType_t ) (0x7fffffffffffffffL * 2UL + 1UL) )
    ipconfigSOCK_DEFAULT_SEND_BLOCK_TIME             = ( ( TickType_t ) (0x7fffffffffffffffL * 2UL + 1UL) )
    ipconfigSUPPORT_SELECT_FUNCTION                  = ( 1 )
    ipconfigTCP_HANG_PROTECTION                      = ( 1 )
    ipconfigTCP_HANG_PROTECTION_TIME                 = ( 30 )
    ipconfigTCP_KEEP_ALIVE                           = ( 1 )
    ipconfigTCP_KEEP_ALIVE_INTERVAL                  = ( 20 )
    ipconfigTCP_MSS                                  = ( ( 1500 ) - 40U )
    ipconfigTCP_RX_BUFFER_LENGTH                     = ( 4 * ( ( 1500 ) - 40U ) )
    ipconfigTCP_TX_BUFFER_LENGTH                     = ( 4 * ( ( 1500 ) - 40U ) )
    ipconfigUSE_IPv6                                 = ( 0 )
    configTICK_RATE_HZ                               = ( 1000 )
    tcpMAXIMUM_TCP_WAKEUP_TIME_MS                    = 20000U
    ipTCP_TIMER_PERIOD_MS(Sockets.c default)         = 1000U
    tcpDELAYED_ACK_SHORT_DELAY_MS                    = ( 2 )
    ipconfigTCP_MSS (value)                          = 1460
    ipconfigSOCK_DEFAULT_RECEIVE_BLOCK_TIME (value)  = 18446744073709551615
    """

private func parse(_ text: String) -> IPConfigHeader { IPConfigHeader(parsing: text, fileName: "cfg.h") }

@Suite("Reading FreeRTOSIPConfig.h")
struct HeaderParsingTests {
    @Test func theFixtureGivesItsValues() throws {
        let header = IPConfigHeader(parsing: try fixture(), fileName: "FreeRTOSIPConfig.h")
        let config = header.config
        #expect(config.networkMTU == 1500 && config.tcpMSS == 1460)
        #expect(config.rxBufferLength == 4380)  // ( 3 * ipconfigTCP_MSS )
        #expect(config.txBufferLength == 2920)  // on a continuation line
        #expect(config.numNetworkBufferDescriptors == 60 && config.eventQueueLength == 65)
        #expect(config.winSegCount == 64)
        #expect(config.keepAlive && config.keepAliveInterval == 20)
        #expect(config.hangProtection && config.hangProtectionTime == 30)
        #expect(config.supportSelect)
        #expect(config.receiveBlockTime == 5000)  // pdMS_TO_TICKS( 5000 )
        #expect(config.sendBlockTime == 2000)  // ( ( TickType_t ) 2000U )
        #expect(config.maxIPTaskSleepTime == 500)
        #expect(config.timeToLive == 64)
        #expect(!config.useIPv6)
        #expect(config.srttMinimum == 50)  // its definition cannot be evaluated: the default stays
        #expect(header.sources[.txBufferLength]?.line == 30)
        #expect(header.sources[.keepAlive]?.description == "FreeRTOSIPConfig.h:36:9")
        #expect(header.sources[.srttMinimum] == nil)

        #expect(header.diagnostics.map(\.description) == [
            "FreeRTOSIPConfig.h:12:1: warning: #include \"FreeRTOSConfig.h\" not followed: only this file is read "
                + "(define configTICK_RATE_HZ here if it is not 1000)",
            "FreeRTOSIPConfig.h:15:9: warning: expected a TCP setting tcpsim models, found "
                + "'ipconfigHAS_DEBUG_PRINTF'; ignored",
            "FreeRTOSIPConfig.h:16:9: warning: expected a TCP setting tcpsim models, found "
                + "'FreeRTOS_debug_printf'; ignored",
            "FreeRTOSIPConfig.h:23:9: warning: expected a TCP setting tcpsim models, found 'ipconfigUSE_DHCP'; ignored",
            "FreeRTOSIPConfig.h:49:9: warning: expected a TCP setting tcpsim models, found "
                + "'ipconfigTCP_KEEPALIVE_INTERVAL' (did you mean 'ipconfigTCP_KEEP_ALIVE_INTERVAL'?); ignored",
            "FreeRTOSIPConfig.h:50:53: warning: cannot evaluate ipconfigTCP_SRTT_MINIMUM_VALUE_MS: expected a number "
                + "or a defined macro, found 'BOARD_SRTT_FLOOR_MS'; ignored",
        ])
    }

    @Test func theFixtureTableSaysWhereEachValueCameFrom() throws {
        let rows = IPConfigHeader(parsing: try fixture(), fileName: "FreeRTOSIPConfig.h").table()
        func row(_ macro: String) -> (value: String, source: String) {
            rows.first { $0.name == macro }.map { ($0.value, $0.source) } ?? ("missing", "missing")
        }
        #expect(row("ipconfigTCP_KEEP_ALIVE") == ("1 (enabled)", "FreeRTOSIPConfig.h:36"))
        #expect(row("ipconfigSOCK_DEFAULT_RECEIVE_BLOCK_TIME") == ("5000 ticks (5000 ms)", "FreeRTOSIPConfig.h:43"))
        #expect(row("ipconfigTCP_SRTT_MINIMUM_VALUE_MS") == ("50 ms", "default"))
        #expect(row("tcpMAXIMUM_TCP_WAKEUP_TIME_MS") == ("20000 ms", "default"))
    }

    @Test func aDeviceDumpGivesTheDeviceValues() {
        let header = parse(deviceDump)
        let config = header.config
        #expect(config.tcpMSS == 1460)
        #expect(config.rxBufferLength == 5840 && config.txBufferLength == 5840)
        #expect(config.keepAlive && config.supportSelect && config.hangProtection)
        #expect(config.eventQueueLength == 50)
        #expect(config.maxIPTaskSleepTime == 10_000)
        // The device's 64-bit portMAX_DELAY is "forever", like ours.
        #expect(config.receiveBlockTime == IPConfig.portMaxDelay && config.sendBlockTime == IPConfig.portMaxDelay)
        #expect(config.maximumWakeupTime == 20_000 && config.tcpTimerPeriod == 1000)
        #expect(!config.useIPv6)
        // The later "(value)" lines repeat the values: no redefinition warning, and they are the sources.
        #expect(header.sources[.tcpMSS]?.line == 26)
        #expect(header.sources[.tcpTimerPeriod]?.line == 24)
        // Only the macros the simulator does not model are reported; an empty one is skipped silently, and a
        // dumped constant is not "overriding" anything.
        #expect(header.diagnostics.map(\.location.line) == [2, 4, 5, 7])
        #expect(header.diagnostics.allSatisfy {
            if case .notModelled = $0.kind { $0.location.column == 1 } else { false }
        })
    }

    @Test func derivedDefaultsFollowOverrides() {
        let config = parse("#define ipconfigNETWORK_MTU 1000\n").config
        #expect(config.tcpMSS == 960)
        #expect(config.rxBufferLength == 3840 && config.txBufferLength == 3840)
        #expect(config.rxWindowSegments == 2)

        let buffers = parse("#define ipconfigNUM_NETWORK_BUFFER_DESCRIPTORS 20").config
        #expect(buffers.eventQueueLength == 25)

        let slowTick = parse("#define configTICK_RATE_HZ ( ( TickType_t ) 100 )").config
        #expect(slowTick.maxIPTaskSleepTime == 1000)  // pdMS_TO_TICKS( 10000 ) at 100 Hz
        #expect(slowTick.receiveBlockTime == IPConfig.portMaxDelay)
    }

    @Test func anMSSOverrideWinsOverTheMTUFormula() {
        let config = parse("#define ipconfigNETWORK_MTU 1000\n#define ipconfigTCP_MSS 900\n").config
        #expect(config.tcpMSS == 900 && config.rxBufferLength == 3600)
    }

    @Test func valuesAreEvaluatedWhereTheyAreUsedLikeTheCompilerDoes() {
        // Defined after its use, and through a helper macro of the file: both as in C.
        let header = parse("""
            #define ipconfigSOCK_DEFAULT_RECEIVE_BLOCK_TIME  pdMS_TO_TICKS( 2000 )
            #define ipconfigTCP_RX_BUFFER_LENGTH  ( RX_SEGMENTS * ipconfigTCP_MSS )
            #define RX_SEGMENTS  6
            #define configTICK_RATE_HZ  250
            """)
        #expect(header.config.receiveBlockTime == 500)
        #expect(header.config.rxBufferLength == 6 * 1460)
        #expect(header.diagnostics.isEmpty)  // RX_SEGMENTS is used, so it is not "unmodelled"
    }

    @Test func theLastDefinitionWinsAndEachRedefinitionIsReported() {
        let header = parse("""
            #ifdef DEBUG
            #define ipconfigTCP_KEEP_ALIVE 0
            #else
            #define ipconfigTCP_KEEP_ALIVE 1
            #endif
            #define ipconfigTCP_MSS 1400
            #define ipconfigTCP_MSS ( 1400 )
            """)
        #expect(header.config.keepAlive)
        #expect(header.sources[.keepAlive]?.line == 4)
        #expect(header.diagnostics == [IPConfigDiagnostic(
            location: IPConfigSourceLocation(fileName: "cfg.h", line: 4, column: 9),
            kind: .redefined(macro: "ipconfigTCP_KEEP_ALIVE", previousLine: 2))])
    }

    @Test func aHelperUsedOnlyByAnOverriddenDefinitionStillCountsAsUsed() {
        let header = parse("#define HELPER 1200\n#define ipconfigTCP_MSS HELPER\n#define ipconfigTCP_MSS 1300\n")
        #expect(header.config.tcpMSS == 1300)
        #expect(header.diagnostics.map(\.kind) == [.redefined(macro: "ipconfigTCP_MSS", previousLine: 2)])
    }

    @Test func undefGoesBackToTheDefault() {
        let header = parse(
            "#define ipconfigTCP_MSS 1200\n#undef ipconfigTCP_MSS\n#define ipconfigTCP_WIN_SEG_COUNT 8\n")
        #expect(header.config.tcpMSS == 1460 && header.config.winSegCount == 8)
        #expect(header.diagnostics.isEmpty)
    }

    @Test func aSkippedDefinitionLeavesTheEarlierOne() {
        let header = parse("#define ipconfigTCP_MSS 1200\n#define ipconfigTCP_MSS ( 1200 / 0 )\n")
        #expect(header.config.tcpMSS == 1200)
        #expect(header.sources[.tcpMSS]?.line == 1)
        #expect(header.diagnostics.count == 1)
    }

    @Test func layoutDetailsDoNotMatter() {
        // CRLF, a continuation with spaces after the backslash, a block comment that joins two lines, a tab.
        let text = "#define ipconfigTCP_MSS \\  \r\n  ( 1000 + \\\r\n 200 )\r\n"
            + "#define ipconfigTCP_WIN_SEG_COUNT /* one\n two */ 32\n"
            + "\t#\tdefine\tipconfigTCP_TIME_TO_LIVE\t( 32 ) // hops\n"
            + "   #  define ipconfigTCP_KEEP_ALIVE pdTRUE"
        let header = parse(text)
        #expect(header.config.tcpMSS == 1200)
        #expect(header.config.winSegCount == 32)
        #expect(header.config.timeToLive == 32)
        #expect(header.config.keepAlive)
        #expect(header.diagnostics.isEmpty)
    }

    @Test func commentMarkersInsideStringsAreText() {
        let header = parse("#include \"a/*b.h\"\n#define ipconfigTCP_MSS 1300\n")
        #expect(header.config.tcpMSS == 1300)
        #expect(header.diagnostics.map(\.kind) == [.includeNotFollowed(path: "\"a/*b.h\"")])
    }

    @Test func parseReturnsTheConfigAndTheDiagnostics() {
        let (config, diagnostics) = IPConfig.parse(header: "#define ipconfigTCP_KEEP_ALIVE 1\nJUNK", fileName: "x.h")
        #expect(config.keepAlive)
        #expect(diagnostics.map(\.description) == [
            "x.h:2:1: warning: expected '#define NAME value' or 'NAME = value', found 'JUNK'; ignored",
        ])
    }
}
