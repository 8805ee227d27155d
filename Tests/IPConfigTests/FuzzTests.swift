import IPConfig
import SimClock
import Testing


/// A header that exercises every path of the reader.
private let seedText = """
    /* FreeRTOSIPConfig.h */
    #ifndef FREERTOS_IP_CONFIG_H
    #define FREERTOS_IP_CONFIG_H
    #include "FreeRTOSConfig.h"
    #define configTICK_RATE_HZ                        ( ( TickType_t ) 1000 )
    #define ipconfigNETWORK_MTU                       1500
    #define ipconfigTCP_MSS                           ( ipconfigNETWORK_MTU - 40U )
    #define ipconfigTCP_RX_BUFFER_LENGTH              ( RX_SEGMENTS * ipconfigTCP_MSS )
    #define RX_SEGMENTS                               ( 1 ? 3 : 4 )
    #define ipconfigTCP_TX_BUFFER_LENGTH \\
        ( 2 * ipconfigTCP_MSS )  // two segments
    #define ipconfigTCP_KEEP_ALIVE                    ( pdTRUE && !pdFALSE )
    #define ipconfigSOCK_DEFAULT_RECEIVE_BLOCK_TIME   pdMS_TO_TICKS( 5000 )
    #define ipconfigSOCK_DEFAULT_SEND_BLOCK_TIME      ( ( TickType_t ) ( 0x7fffffffffffffffL * 2UL + 1UL ) )
    #define ipconfigTCP_HANG_PROTECTION_TIME          ( 30 << 1 >> 1 )
    #define ipconfigEVENT_QUEUE_LENGTH                ( ipconfigNUM_NETWORK_BUFFER_DESCRIPTORS + 5 )
    #define FreeRTOS_debug_printf( X )                configPRINTF( X )
    #undef ipconfigUSE_DNS
    ipconfigTCP_MSS (value)                          = 1460
    tcpDELAYED_ACK_SHORT_DELAY_MS                    = ( 2 % 3 )
    #endif
    """

/// Fragments that tend to break readers.
private let fragments = [
    "(", ")", "((", "\\\n", "\\", "/*", "*/", "//", "\n", "\r", "\r\n", "\"", "'", "#", "#define ", "#undef ",
    "#include ", " = ", "=", "0x", "0b", "08", "1.5e+3", "18446744073709551616", "<<", ">> 64", "/ 0", "% 0", "?",
    ":", "!", "~", "-", "&&", "||", "ipconfigTCP_MSS", "ipconfigNETWORK_MTU", "pdMS_TO_TICKS(", "( TickType_t )",
    "( unsigned long long )", "sizeof(", "portMAX_DELAY", "RX_SEGMENTS", "é", "\u{0}", "\t", " ",
    "9223372036854775807",
    "-9223372036854775807 - 1", "UL", "ULL", "LLU",
]

private func mutate(_ text: [UInt8], random: inout SeededRandom) -> [UInt8] {
    var bytes = text
    for _ in 0..<Int.random(in: 1...8, using: &random) {
        let at = bytes.isEmpty ? 0 : Int.random(in: 0...bytes.count, using: &random)
        switch Int.random(in: 0..<6, using: &random) {
        case 0 where !bytes.isEmpty:  // flip a byte
            bytes[min(at, bytes.count - 1)] = UInt8.random(in: 0...255, using: &random)
        case 1 where !bytes.isEmpty:  // delete a run
            let end = min(bytes.count, at + Int.random(in: 1...12, using: &random))
            bytes.removeSubrange(min(at, end)..<end)
        case 2:  // insert a fragment
            bytes.insert(contentsOf: Array(fragments.randomElement(using: &random)!.utf8), at: at)
        case 3 where !bytes.isEmpty:  // duplicate a run somewhere else
            let start = Int.random(in: 0..<bytes.count, using: &random)
            let run = bytes[start..<min(bytes.count, start + Int.random(in: 1...80, using: &random))]
            bytes.insert(contentsOf: Array(run), at: at)
        case 4:  // truncate
            bytes.removeSubrange(at..<bytes.count)
        default:  // random bytes
            bytes.insert(contentsOf: (0..<Int.random(in: 1...6, using: &random)).map { _ in
                UInt8.random(in: 0...255, using: &random)
            }, at: at)
        }
    }
    return bytes
}

/// What must hold for any input: a full table, values inside FreeRTOS+TCP's limits, located diagnostics.
private func checkInvariants(_ text: String, seed: UInt64) {
    let header = IPConfigHeader(parsing: text, fileName: "fuzz.h")
    let config = header.config
    let lines = text.utf8.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") || $1 == UInt8(ascii: "\r") ? 1 : 0) }
    #expect(header.table().count == IPConfig.Setting.allCases.count, "seed \(seed)")
    #expect(config.tcpMSS >= 536 && config.tcpMSS <= 65535, "seed \(seed)")
    #expect(config.networkMTU >= 46, "seed \(seed)")
    #expect(config.tickRateHz >= 1, "seed \(seed)")
    #expect(config.eventQueueLength >= config.numNetworkBufferDescriptors + 5, "seed \(seed)")
    #expect(config.rxWindowSegments >= 1 && config.windowScaleFactor >= 0, "seed \(seed)")
    for diagnostic in header.diagnostics {
        #expect(diagnostic.location.line >= 1 && diagnostic.location.line <= lines, "seed \(seed): \(diagnostic)")
        #expect(diagnostic.location.column >= 1, "seed \(seed): \(diagnostic)")
        #expect(diagnostic.description.hasPrefix("fuzz.h:"), "seed \(seed)")
        let controls = diagnostic.description.unicodeScalars.filter { $0.value < 0x20 && $0 != "\t" }
        #expect(controls.isEmpty, "seed \(seed): a diagnostic must stay on one line: \(diagnostic)")
    }
    for (_, location) in header.sources {
        #expect(location.line >= 1 && location.line <= lines, "seed \(seed)")
    }
}

@Suite("Robustness")
struct FuzzTests {
    @Test func theSeedTextReadsCleanly() {
        let header = IPConfigHeader(parsing: seedText, fileName: "seed.h")
        #expect(header.config.rxBufferLength == 3 * 1460 && header.config.txBufferLength == 2 * 1460)
        #expect(header.config.keepAlive && header.config.hangProtectionTime == 30)
        #expect(header.config.receiveBlockTime == 5000 && header.config.sendBlockTime == IPConfig.portMaxDelay)
        #expect(header.diagnostics.map(\.location.line) == [4, 17])  // the #include, FreeRTOS_debug_printf
    }

    @Test(arguments: 0..<200 as Range<UInt64>)
    func mutatedHeadersNeverTrap(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let original = Array(seedText.utf8)
        for _ in 0..<10 {
            let mutated = mutate(original, random: &random)
            checkInvariants(String(decoding: mutated, as: UTF8.self), seed: seed)
        }
    }

    @Test(arguments: 0..<50 as Range<UInt64>)
    func randomBytesNeverTrap(seed: UInt64) {
        var random = SeededRandom(seed: seed &* 7919)
        let bytes = (0..<Int.random(in: 0...600, using: &random)).map { _ in
            // Mostly printable, so that lines look like code.
            Int.random(in: 0..<4, using: &random) == 0
                ? UInt8.random(in: 0...255, using: &random) : UInt8.random(in: 9...126, using: &random)
        }
        checkInvariants(String(decoding: bytes, as: UTF8.self), seed: seed)
    }

    @Test func pathologicalShapesAreBounded() {
        // A chain of 3000 macros, each referring to the previous one.
        var chain = "#define A0 1\n"
        for index in 1..<3000 { chain += "#define A\(index) ( A\(index - 1) + 1 )\n" }
        chain += "#define ipconfigTCP_WIN_SEG_COUNT A2999\n#define ipconfigTCP_SRTT_MINIMUM_VALUE_MS A10\n"
        let header = IPConfigHeader(parsing: chain, fileName: "chain.h")
        #expect(header.config.winSegCount == 256)  // too deep: skipped, reported
        #expect(header.config.srttMinimum == 11)
        #expect(header.diagnostics.contains {
            if case .notEvaluable(_, _, .tooDeeplyNested) = $0.kind { true } else { false }
        })

        // Mutual recursion between settings, through defaults and range checks.
        let cycle = """
            #define ipconfigNETWORK_MTU ( ipconfigTCP_MSS + 40 )
            #define ipconfigNUM_NETWORK_BUFFER_DESCRIPTORS ( ipconfigEVENT_QUEUE_LENGTH - 5 )
            #define configTICK_RATE_HZ ( ipconfigTCP_HANG_PROTECTION_TIME * 10 )
            """
        checkInvariants(cycle, seed: 0)

        checkInvariants(String(repeating: "(", count: 200_000), seed: 0)
        checkInvariants("#define ipconfigTCP_MSS " + String(repeating: "( ", count: 100_000), seed: 0)
        checkInvariants(String(repeating: "#define ipconfigTCP_MSS 1400\n", count: 5000), seed: 0)
        checkInvariants(String(repeating: "\\\n", count: 10_000) + "#define ipconfigTCP_MSS 1400", seed: 0)
        checkInvariants(String(repeating: "/*", count: 10_000), seed: 0)
    }
}
