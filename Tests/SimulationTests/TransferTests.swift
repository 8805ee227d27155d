import Devices
import SimClock
import Simulation
import TCPCore
import Testing

@Suite("bulk transfer")
struct TransferTests {
    static let mebibyte = 1 << 20

    @Test func oneMebibyteEachWayArrivesByteForByte() {
        let run = BulkTransferScenario(size: Self.mebibyte)
        run.recordTrace(false)
        run.run()
        #expect(run.clientFinished && run.serverFinished)
        #expect(run.receivedByServer.count == Self.mebibyte)
        #expect(run.receivedByClient.count == Self.mebibyte)
        #expect(run.isExact)
    }

    @Test func aDroppedDataSegmentIsRecoveredByRetransmission() {
        var plan = FaultPlan()
        plan.dropRules = [.init(nth: 3, label: "3rd data segment") { $0.tcp.payload.count > 0 }]
        let run = BulkTransferScenario(size: 64 * 1024, faults: plan, duplex: false)
        run.run()
        #expect(run.isExact)
        let sender = run.network.trace.filter {
            if case .segment(_, "client", _, let packet) = $0, packet.tcp.payload.count > 0 { return true }
            return false
        }
        // 64 KiB is 45 segments of 1460 bytes (the last shorter); one was lost and sent again.
        #expect(sender.count == 46)
    }

    @Test(arguments: 0..<200 as Range<UInt64>)
    func lossDuplicationAndReorderingStillDeliverExactly(seed: UInt64) {
        var plan = FaultPlan()
        plan.dropProbability = 0.10
        plan.duplicateProbability = 0.10
        plan.reorderProbability = 0.10
        let run = BulkTransferScenario(size: Self.mebibyte, seed: seed, faults: plan)
        run.recordTrace(false)
        run.run()
        #expect(run.isExact, "seed \(seed): server got \(run.receivedByServer.count), client got \(run.receivedByClient.count)")
    }
}

@Suite("FreeRTOS+TCP bulk transfer on a bad link")
struct FreeRTOSTransferTests {
    /// 1 MiB each way between a FreeRTOS+TCP device and a Linux-like client, through 10 % loss, 10 %
    /// duplication, 10 % reordering and 1 % corruption (which the checksums catch): byte-exact both ways.
    @Test(arguments: 0..<200 as Range<UInt64>)
    func aMebibyteEachWayArrivesExactly(seed: UInt64) {
        var plan = FaultPlan()
        plan.dropProbability = 0.10
        plan.duplicateProbability = 0.10
        plan.reorderProbability = 0.10
        plan.corruptProbability = 0.01
        let run = BulkTransferScenario(size: 1 << 20, seed: seed, serverParameters: .freeRTOS(), faults: plan)
        run.recordTrace(false)
        run.run()
        #expect(run.isExact, "seed \(seed): device got \(run.receivedByServer.count), client got \(run.receivedByClient.count) of \(run.size)")
    }
}

extension BulkTransferScenario {
    func recordTrace(_ on: Bool) { network.recordsTrace = on }
}

@Suite("receive handlers")
struct ReceiveHandlerTests {
    @Test func aTransferReadByReceiveHandlersArrivesByteForByte() {
        let run = BulkTransferScenario(size: 256 * 1024)
        run.network.recordsTrace = false
        run.run(receiveHandlers: true)
        #expect(run.clientFinished && run.serverFinished)
        #expect(run.isExact)
    }
}
