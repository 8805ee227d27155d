import IPConfig
import Testing

/// The defaults of `the FreeRTOS+TCP model` §11, and what FreeRTOS+TCP derives from them (§8, §9).
@Suite("Defaults")
struct DefaultsTests {
    @Test func everyValueIsTheFreeRTOSDefault() {
        let config = IPConfig.defaults
        #expect(config.useTCP && config.useIPv4 && config.useIPv6 && config.useTCPWindow)
        #expect(config.networkMTU == 1500)
        #expect(config.tcpMSS == 1460)
        #expect(config.rxBufferLength == 5840)
        #expect(config.txBufferLength == 5840)
        #expect(config.winSegCount == 256)
        #expect(config.srttMinimum == 50)
        #expect(config.hangProtection)
        #expect(config.hangProtectionTime == 30)
        #expect(!config.keepAlive)
        #expect(config.keepAliveInterval == 20)
        #expect(config.timeToLive == 128)
        #expect(!config.ignoreUnknownPackets)
        #expect(!config.supportSelect && !config.selectUsesNotify && !config.supportSignals)
        #expect(config.receiveBlockTime == UInt32.max && config.sendBlockTime == UInt32.max)
        #expect(!config.useCallbacks && !config.socketHasUserSemaphore && !config.socketHasUserWakeCallback)
        #expect(config.allowSendWithoutBind)
        #expect(config.maxIPTaskSleepTime == 10_000)
        #expect(config.eventQueueLength == 50)
        #expect(config.numNetworkBufferDescriptors == 45)
        #expect(!config.forceDontFragment)
        #expect(config.ethernetMinimumPacketBytes == 0)
        #expect(!config.zeroCopyTxDriver && !config.driverIncludedTxIPChecksum)
        #expect(config.replyToIncomingPings)
        #expect(config.tickRateHz == 1000)
        #expect(config.maximumWakeupTime == 20_000)
        #expect(config.tcpTimerPeriod == 1000)
        #expect(config.sendRepeatedCount == 8)
        #expect(config.delayedAckShortDelay == 2 && config.delayedAckLongerDelay == 20)
        #expect(config.reducedMSSThroughInternet == 1400 && config.minimumSegmentLength == 536)
        #expect(config.duplicateAcksBeforeFastRetransmit == 3 && config.maxTransmitCountUsingLargeWindow == 4)
        #expect(config.autoPortAllocationStart == 0x0400)
        #expect(IPConfig() == config)
    }

    @Test func theDefaultFormulasGiveTheSameValues() {
        // FreeRTOSIPConfigDefaults.h's expressions (MTU − 40, 4 × MSS, buffers + 5, pdMS_TO_TICKS( 10000 )…)
        // evaluated for an empty file.
        let header = IPConfigHeader(parsing: "", fileName: "empty.h")
        #expect(header.config == IPConfig.defaults)
        #expect(header.diagnostics.isEmpty)
        #expect(header.sources.isEmpty)
    }

    @Test func windowsAndOptionsFollowSection9() {
        let config = IPConfig.defaults
        #expect(config.rxWindowSegments == 2)
        #expect(config.txWindowSegments == 2)
        #expect(config.rxWindowLength == 2920)
        #expect(config.windowScaleFactor == 0)
        #expect(config.txStreamSize == 5840)
        #expect(config.synOptionsLength == 12)
    }

    @Test func tinyTCPHasOneSegmentWindowsAndOnlyTheMSSOption() {
        var config = IPConfig.defaults
        config.useTCPWindow = false
        #expect(config.rxWindowSegments == 1 && config.txWindowSegments == 1)
        #expect(config.synOptionsLength == 4)
    }

    @Test func theTXStreamIsRoundedUpToWholeSegments() {
        var config = IPConfig.defaults
        config.txBufferLength = 3000
        #expect(config.txStreamSize == 4380)
        #expect(config.txWindowSegments == 1)  // (4380 / 2) / 1460
    }

    @Test func aLargeRXBufferNeedsAWindowScale() {
        var config = IPConfig.defaults
        config.rxBufferLength = 1_000_000
        #expect(config.rxWindowSegments == 342)
        #expect(config.rxWindowLength == 499_320)
        // 499320 → 249660 → 124830 → 62415: three halvings.
        #expect(config.windowScaleFactor == 3)
    }

    @Test func derivedValuesNeverTrapOnNonsense() {
        var config = IPConfig.defaults
        config.tcpMSS = 0
        config.tickRateHz = 0
        config.rxBufferLength = .max
        config.txBufferLength = .min
        _ = (config.txStreamSize, config.rxWindowSegments, config.txWindowSegments, config.windowScaleFactor)
        _ = (config.tickDuration, config.ticks(milliseconds: -5), config.duration(ofTicks: 7))
        config.tcpMSS = -1
        _ = (config.rxWindowLength, config.windowScaleFactor, config.table())
    }

    @Test func timesConvertWithTheTickRate() {
        var config = IPConfig.defaults
        #expect(config.tickDuration == .milliseconds(1))
        #expect(config.ticks(milliseconds: 10_000) == 10_000)
        #expect(config.receiveTimeout == nil && config.sendTimeout == nil)
        #expect(config.hangProtectionTimeout == .seconds(30))
        #expect(config.keepAliveIdleTime == nil)
        config.tickRateHz = 100
        config.receiveBlockTime = 250
        config.keepAlive = true
        config.hangProtection = false
        #expect(config.tickDuration == .milliseconds(10))
        #expect(config.ticks(milliseconds: 10_000) == 1000)
        #expect(config.receiveTimeout == .milliseconds(2500))
        #expect(config.keepAliveIdleTime == .seconds(20))
        #expect(config.hangProtectionTimeout == nil)
    }

    @Test func theTableListsEverySettingWithAUnitAndItsSource() {
        let rows = IPConfig.defaults.table()
        #expect(rows.count == IPConfig.Setting.allCases.count)
        #expect(rows.allSatisfy { $0.source == "default" })
        func value(_ macro: String) -> String? { rows.first { $0.name == macro }?.value }
        #expect(value("ipconfigTCP_MSS") == "1460 bytes")
        #expect(value("ipconfigTCP_KEEP_ALIVE") == "0 (disabled)")
        #expect(value("ipconfigTCP_HANG_PROTECTION_TIME") == "30 s")
        #expect(value("ipconfigTCP_SRTT_MINIMUM_VALUE_MS") == "50 ms")
        #expect(value("ipconfigSOCK_DEFAULT_RECEIVE_BLOCK_TIME") == "portMAX_DELAY (forever)")
        #expect(value("ipconfigMAX_IP_TASK_SLEEP_TIME") == "10000 ticks (10000 ms)")
        #expect(value("tcpDELAYED_ACK_SHORT_DELAY_MS") == "2 ticks (2 ms)")
        #expect(value("configTICK_RATE_HZ") == "1000 Hz")
        #expect(value("socketAUTO_PORT_ALLOCATION_START_NUMBER") == "1024 (0x0400)")
    }

    @Test func theTableTellsDerivedDefaultsFromValuesSetInCode() {
        var config = IPConfig.defaults
        config.networkMTU = 1000
        config.tcpMSS = 960  // what the default formula gives for this MTU
        config.keepAlive = true
        let sources = Dictionary(uniqueKeysWithValues: config.table().map { ($0.name, $0.source) })
        #expect(sources["ipconfigNETWORK_MTU"] == "set")
        #expect(sources["ipconfigTCP_MSS"] == "default")
        #expect(sources["ipconfigTCP_RX_BUFFER_LENGTH"] == "set")  // 5840 is not 4 × 960
        #expect(sources["ipconfigTCP_KEEP_ALIVE"] == "set")
    }

    @Test(arguments: IPConfig.Setting.allCases)
    func everySettingIsFoundByItsMacroName(setting: IPConfig.Setting) {
        #expect(IPConfig.Setting(macroName: setting.macroName) == setting)
    }

    @Test func unknownMacrosAreNotSettings() {
        #expect(IPConfig.Setting(macroName: "ipconfigUSE_DNS") == nil)
        #expect(IPConfig.Setting(macroName: "ipconfigtcp_mss") == nil)
    }
}
