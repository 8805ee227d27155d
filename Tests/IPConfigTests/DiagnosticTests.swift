import IPConfig
import Testing

/// The one diagnostic `text` produces, or a recorded issue.
private func only(
    _ text: String, sourceLocation: SourceLocation = #_sourceLocation
) -> (line: Int, column: Int, kind: IPConfigDiagnostic.Kind)? {
    let diagnostics = IPConfigHeader(parsing: text, fileName: "cfg.h").diagnostics
    guard diagnostics.count == 1, let diagnostic = diagnostics.first else {
        Issue.record("expected one diagnostic, found \(diagnostics.map(\.description))", sourceLocation: sourceLocation)
        return nil
    }
    #expect(diagnostic.location.fileName == "cfg.h", sourceLocation: sourceLocation)
    return (diagnostic.location.line, diagnostic.location.column, diagnostic.kind)
}

private let mssRange = "536 to 65535 (FreeRTOS+TCP requires at least tcpMINIMUM_SEGMENT_LENGTH)"

/// Every kind of diagnostic, with its exact `file:line:col`.
@Suite("Diagnostics")
struct DiagnosticTests {
    @Test func anUnmodelledMacroIsReportedAtItsName() {
        let found = only("\n  #define ipconfigUSE_DNS   1\n")
        #expect(found?.line == 2 && found?.column == 11)
        #expect(found?.kind == .notModelled(macro: "ipconfigUSE_DNS", suggestion: nil))
    }

    @Test func aTypoGetsASuggestion() {
        #expect(only("#define ipconfigTCP_KEEPALIVE 1")?.kind
            == .notModelled(macro: "ipconfigTCP_KEEPALIVE", suggestion: "ipconfigTCP_KEEP_ALIVE"))
        #expect(only("#define IPCONFIGTCP_MSS 1400")?.kind
            == .notModelled(macro: "IPCONFIGTCP_MSS", suggestion: "ipconfigTCP_MSS"))
        // A real, different FreeRTOS macro is not taken for a typo.
        #expect(only("#define ipconfigUDP_TIME_TO_LIVE 64")?.kind
            == .notModelled(macro: "ipconfigUDP_TIME_TO_LIVE", suggestion: nil))
    }

    @Test func aDivisionByZeroPointsAtTheOperator() {
        let found = only("#define ipconfigTCP_MSS ( 1400 / ( 2 - 2 ) )")
        #expect(found?.line == 1 && found?.column == 32)
        #expect(found?.kind == .notEvaluable(macro: "ipconfigTCP_MSS", through: nil, .divisionByZero(operator: "/")))
    }

    @Test func aMissingParenthesisPointsAtTheEndOfTheValue() {
        let found = only("#define ipconfigTCP_MSS ( 1400   // comment")
        #expect(found?.line == 1 && found?.column == 31)
        #expect(found?.kind == .notEvaluable(
            macro: "ipconfigTCP_MSS", through: nil, .unexpected(expected: "')'", found: "end of line")))
    }

    @Test func anEmptyValuePointsJustAfterTheName() {
        let found = only("#define ipconfigTCP_MSS")
        #expect(found?.line == 1 && found?.column == 24)
        #expect(found?.kind == .notEvaluable(
            macro: "ipconfigTCP_MSS", through: nil, .unexpected(expected: "a value", found: "end of line")))
    }

    @Test func anErrorOnAContinuationLineHasThatLinesNumber() {
        let found = only("#define ipconfigTCP_MSS \\\n    ( 1400 + \\\n      BOARD_EXTRA )\n")
        #expect(found?.line == 3 && found?.column == 7)
        #expect(found?.kind == .notEvaluable(macro: "ipconfigTCP_MSS", through: nil, .unknownIdentifier("BOARD_EXTRA")))
    }

    @Test func anErrorInAHelperMacroPointsIntoTheHelper() {
        let found = only("#define BOARD_MTU ( 1500 / 0 )\n#define ipconfigNETWORK_MTU BOARD_MTU\n")
        #expect(found?.line == 1 && found?.column == 26)
        #expect(found?.kind == .notEvaluable(
            macro: "ipconfigNETWORK_MTU", through: "BOARD_MTU", .divisionByZero(operator: "/")))
    }

    @Test func aSelfReferenceIsNotExpanded() {
        let found = only("#define ipconfigTCP_MSS ( ipconfigTCP_MSS - 20 )")
        #expect(found?.line == 1 && found?.column == 27)
        #expect(found?.kind == .notEvaluable(macro: "ipconfigTCP_MSS", through: nil, .selfReference("ipconfigTCP_MSS")))
    }

    @Test func anOutOfRangeValuePointsAtTheValue() {
        let header = IPConfigHeader(parsing: "#define ipconfigTCP_MSS 400", fileName: "cfg.h")
        #expect(header.config.tcpMSS == 1460)
        #expect(header.diagnostics.map(\.description) == [
            "cfg.h:1:25: warning: ipconfigTCP_MSS: expected \(mssRange), found 400; ignored",
        ])
    }

    @Test(arguments: [
        ("#define ipconfigTCP_KEEP_ALIVE 2", "ipconfigTCP_KEEP_ALIVE",
         "0 or 1 (ipconfigDISABLE or ipconfigENABLE)", "2"),
        ("#define ipconfigTCP_TIME_TO_LIVE 300", "ipconfigTCP_TIME_TO_LIVE", "0 to 255 (a uint8_t)", "300"),
        ("#define ipconfigNETWORK_MTU -1", "ipconfigNETWORK_MTU",
         "46 to 65535 (FreeRTOS+TCP requires at least 46; IPv4 lengths are 16 bits)", "-1"),
        ("#define ipconfigTCP_HANG_PROTECTION_TIME 5000000", "ipconfigTCP_HANG_PROTECTION_TIME",
         "0 to 4294967 (portMAX_DELAY / configTICK_RATE_HZ at 1000 Hz)", "5000000"),
        ("#define ipconfigSOCK_DEFAULT_SEND_BLOCK_TIME 0x100000000", "ipconfigSOCK_DEFAULT_SEND_BLOCK_TIME",
         "0 to 4294967295 ticks, or portMAX_DELAY", "4294967296"),
        ("#define tcpMAXIMUM_TCP_WAKEUP_TIME_MS 70000U", "tcpMAXIMUM_TCP_WAKEUP_TIME_MS",
         "1 to 65535 ms (at 1000 Hz the socket timer usTimeout holds 65535 ticks)", "70000"),
        ("#define ipconfigTCP_WIN_SEG_COUNT 0", "ipconfigTCP_WIN_SEG_COUNT", "1 to 4294967295 (a size_t)", "0"),
    ])
    func outOfRangeValuesSayWhatIsAccepted(text: String, macro: String, expected: String, found: String) {
        let diagnostic = only(text)
        #expect(diagnostic?.line == 1 && diagnostic?.column == macro.utf8.count + 10)
        #expect(diagnostic?.kind == .outOfRange(macro: macro, expected: expected, found: found))
    }

    @Test func theEventQueueMustHoldEveryBufferPlusFive() {
        let header = IPConfigHeader(
            parsing: "#define ipconfigNUM_NETWORK_BUFFER_DESCRIPTORS 60\n#define ipconfigEVENT_QUEUE_LENGTH 50\n",
            fileName: "cfg.h")
        #expect(header.config.eventQueueLength == 65)
        #expect(header.diagnostics.map(\.kind) == [.outOfRange(
            macro: "ipconfigEVENT_QUEUE_LENGTH",
            expected: "at least 65 (ipconfigNUM_NETWORK_BUFFER_DESCRIPTORS + 5)", found: "50")])
        #expect(header.diagnostics.first?.location.line == 2)
    }

    @Test func aDefaultFormulaBrokenByAnOverrideIsBlamedOnTheOverride() {
        let header = IPConfigHeader(parsing: "// small frames\n#define ipconfigNETWORK_MTU 500\n", fileName: "cfg.h")
        #expect(header.config.networkMTU == 500)
        #expect(header.config.tcpMSS == 1460 && header.config.rxBufferLength == 5840)
        #expect(header.diagnostics.map(\.description) == [
            "cfg.h:2:9: warning: ipconfigTCP_MSS is not defined and its default ( ipconfigNETWORK_MTU - 40U ) gives "
                + "460 here: expected \(mssRange); using 1460 bytes",
        ])
    }

    @Test func aFunctionLikeSettingIsRejected() {
        let found = only("#define ipconfigTCP_MSS( x ) ( x )")
        #expect(found?.line == 1 && found?.column == 9)
        #expect(found?.kind == .functionLike(macro: "ipconfigTCP_MSS"))
    }

    @Test func aRedefinitionWithAnotherValueIsReportedAtTheNewOne() {
        let found = only("#define ipconfigTCP_HANG_PROTECTION_TIME 30\n\n#define ipconfigTCP_HANG_PROTECTION_TIME 5\n")
        #expect(found?.line == 3 && found?.column == 9)
        #expect(found?.kind == .redefined(macro: "ipconfigTCP_HANG_PROTECTION_TIME", previousLine: 1))
    }

    @Test func anUnguardedConstantIsUsedButFlagged() {
        let header = IPConfigHeader(parsing: "#define tcpDELAYED_ACK_SHORT_DELAY_MS 5\n", fileName: "cfg.h")
        #expect(header.config.delayedAckShortDelay == 5)
        #expect(header.diagnostics.map(\.description) == [
            "cfg.h:1:9: warning: tcpDELAYED_ACK_SHORT_DELAY_MS has no #ifndef guard in FreeRTOS+TCP: a real build "
                + "warns that it is redefined and keeps ( 2 ); the simulator uses this value",
        ])
        // A guarded one is a normal override.
        #expect(IPConfigHeader(parsing: "#define tcpMAXIMUM_TCP_WAKEUP_TIME_MS 1000U", fileName: "cfg.h")
            .diagnostics.isEmpty)
    }

    @Test func includeIsReportedOnce() {
        let found = only("#include \"FreeRTOSConfig.h\"\n  #include <stdint.h>\n")
        #expect(found?.line == 1 && found?.column == 1)
        #expect(found?.kind == .includeNotFollowed(path: "\"FreeRTOSConfig.h\""))
    }

    @Test func otherDirectivesAreSkippedSilently() {
        let text = "#if 0\n#ifdef X\n#ifndef Y\n#elif 1\n#else\n#endif\n#pragma once\n#error no\n#\n#line 5\n"
        #expect(IPConfigHeader(parsing: text, fileName: "cfg.h").diagnostics.isEmpty)
    }

    @Test func aLineThatDefinesNothingIsReported() {
        let found = only("\n   extern void vLoggingPrintf( const char * pcFormat, ... );\n")
        #expect(found?.line == 2 && found?.column == 4)
        #expect(found?.kind == .notADefinition(found: "extern void vLoggingPrintf( const char *…"))
    }

    @Test func controlCharactersInAMessageAreEscaped() {
        #expect(only("JUNK\u{1B}[2J\u{0C}")?.kind == .notADefinition(found: "JUNK\\u{1B}[2J\\u{C}"))
        #expect(only("#define ipconfigTCP_MSS 1\u{7F}")?.kind == .notEvaluable(
            macro: "ipconfigTCP_MSS", through: nil,
            .unexpected(expected: "an operator or end of line", found: "'\\u{7F}'")))
    }

    @Test func aDefineWithoutANameIsReported() {
        let empty = only("#define")
        #expect(empty?.line == 1 && empty?.column == 8)
        #expect(empty?.kind == .missingMacroName(directive: "define", found: "end of line"))
        let number = only("#define 123 4")
        #expect(number?.line == 1 && number?.column == 9)
        #expect(number?.kind == .missingMacroName(directive: "define", found: "'123'"))
        #expect(only("#undef ( x")?.kind == .missingMacroName(directive: "undef", found: "'('"))
    }

    @Test func anUnterminatedCommentIsReportedWhereItStarts() {
        let header = IPConfigHeader(
            parsing: "#define ipconfigTCP_MSS 1400 /* oops\n#define ipconfigNETWORK_MTU 1000\n", fileName: "cfg.h")
        #expect(header.config.tcpMSS == 1400 && header.config.networkMTU == 1500)
        #expect(header.diagnostics.map(\.description) == [
            "cfg.h:1:30: warning: expected '*/' to close this comment, found end of file",
        ])
    }

    @Test func diagnosticsComeInFileOrder() {
        let header = IPConfigHeader(
            parsing: "#define B ( 1 / 0 )\n#define ipconfigUSE_DNS 1\n#define ipconfigTCP_MSS B\n", fileName: "cfg.h")
        #expect(header.diagnostics.map(\.location.line) == [1, 2])
    }
}

@Suite("buffer lengths")
struct BufferLengthTests {
    @Test func anEmptyBufferIsRefusedWithAWarningAndTheDefaultKept() {
        let header = IPConfigHeader(parsing: "#define ipconfigTCP_RX_BUFFER_LENGTH 0\n", fileName: "c.h")
        #expect(header.config.rxBufferLength == 5840)
        #expect(header.diagnostics.count == 1)
        #expect(header.diagnostics.first?.description.hasPrefix("c.h:1:") == true)
    }
}
