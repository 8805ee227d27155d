import Scenario
import SimClock
import TCPWire

/// One row of the side-by-side table.
public struct ReplayRow: Sendable, Codable {
    public enum Status: String, Sendable, Codable {
        /// A peer segment, played to the model.
        case injected
        /// A device segment the model sent alike.
        case match
        /// The model sent a segment here, but it differs.
        case differs
        /// The device sent it; the model did not.
        case missing
        /// The model sent it; the device did not.
        case extra
    }

    /// The capture's frame number (nil for a model-only segment).
    public var frame: Int?
    /// Seconds since the capture's first frame (the model's time for a model-only segment).
    public var time: Double
    public var connection: Int
    /// `peer > device` or `device > peer`.
    public var direction: String
    public var captured: String?
    public var model: String?
    /// The model's time when it differs from the captured one.
    public var modelTime: Double?
    public var status: Status
    /// What differs: `flags`, `seq`, `ack`, `length`, `payload`, `window`, `options`, `time +3.1 ms`.
    public var differences: [String]
}

/// Compares the device's captured segments with the model's, connection by connection.
struct Comparator {
    let capture: Capture
    let engine: ReplayEngine
    let settings: ReplaySettings

    func rows() -> [ReplayRow] {
        var rows: [ReplayRow] = []
        for conversation in engine.conversations.list {
            rows += compare(conversation)
        }
        return rows.sorted { ($0.time, $0.frame ?? Int.max) < ($1.time, $1.frame ?? Int.max) }
    }

    private func compare(_ conversation: Conversation) -> [ReplayRow] {
        let modelISN = engine.modelISN(of: conversation)
        let model = engine.modelSegments(of: conversation)
        var used = [Bool](repeating: false, count: model.count)
        var rows: [ReplayRow] = []
        var previousTime = conversation.firstTime
        var cursor = 0  // model segments before this one are matched or skipped
        for position in conversation.segments {
            let segment = capture.segments[position]
            let tcp = segment.packet.tcp
            let fromDevice = segment.packet.ip.source == conversation.device.address && tcp.sourcePort == conversation.device.port
            defer { previousTime = segment.time }
            guard fromDevice else {
                rows.append(ReplayRow(frame: segment.frame, time: seconds(segment.time), connection: conversation.index,
                                      direction: "peer > device", captured: describe(tcp, peer: true, conversation),
                                      model: nil, status: .injected, differences: []))
                continue
            }
            let allowance = settings.tolerance.allowance(since: segment.time - previousTime)
            // The first of the next few unmatched model segments that agrees in everything but time.
            var chosen: Int?
            var lookahead = cursor
            var looked = 0
            while lookahead < model.count, looked < 4 {
                if !used[lookahead] {
                    looked += 1
                    if differences(tcp, conversation.deviceISN, model[lookahead].packet.tcp, modelISN).isEmpty {
                        chosen = lookahead
                        break
                    }
                }
                lookahead += 1
            }
            if chosen == nil, let next = (cursor..<model.count).first(where: { !used[$0] }),
                model[next].time <= segment.time + allowance + .milliseconds(50)
            {
                chosen = next
            }
            guard let index = chosen else {
                rows.append(ReplayRow(frame: segment.frame, time: seconds(segment.time), connection: conversation.index,
                                      direction: "device > peer", captured: describe(tcp, peer: false, conversation),
                                      model: nil, status: .missing, differences: ["the model sent nothing"]))
                continue
            }
            // Model segments skipped over are extra.
            for skipped in cursor..<index where !used[skipped] {
                used[skipped] = true
                rows.append(extraRow(model[skipped], conversation, modelISN))
            }
            used[index] = true
            cursor = index + 1
            let (time, packet) = model[index]
            var problems = differences(tcp, conversation.deviceISN, packet.tcp, modelISN)
            let offset = time - segment.time
            if abs(offset.nanoseconds) > allowance.nanoseconds {
                problems.append("time \(offset.nanoseconds >= 0 ? "+" : "")\(milliseconds(offset)) ms (tolerance \(milliseconds(allowance)) ms)")
            }
            rows.append(ReplayRow(frame: segment.frame, time: seconds(segment.time), connection: conversation.index,
                                  direction: "device > peer", captured: describe(tcp, peer: false, conversation),
                                  model: describe(packet.tcp, modelISN: modelISN, conversation),
                                  modelTime: offset == .zero ? nil : seconds(time),
                                  status: problems.isEmpty ? .match : .differs, differences: problems))
        }
        for index in model.indices where !used[index] {
            rows.append(extraRow(model[index], conversation, modelISN))
        }
        return rows
    }

    private func extraRow(_ segment: (time: SimDuration, packet: TCPPacket), _ conversation: Conversation,
                          _ modelISN: SeqNumber?) -> ReplayRow {
        ReplayRow(frame: nil, time: seconds(segment.time), connection: conversation.index, direction: "device > peer",
                  captured: nil, model: describe(segment.packet.tcp, modelISN: modelISN, conversation),
                  status: .extra, differences: ["the device did not send it"])
    }

    /// Fields that differ, with sequence numbers relative to each side's own ISN.
    private func differences(_ captured: TCPSegment, _ capturedISN: SeqNumber?, _ model: TCPSegment,
                             _ modelISN: SeqNumber?) -> [String] {
        var problems: [String] = []
        let mask: TCPFlags = [.fin, .syn, .rst, .psh, .ack, .urg]
        if captured.flags.intersection(mask) != model.flags.intersection(mask) { problems.append("flags") }
        let capturedSeq = capturedISN.map { captured.seq - $0 } ?? Int(captured.seq.rawValue)
        let modelSeq = modelISN.map { model.seq - $0 } ?? Int(model.seq.rawValue)
        if capturedSeq != modelSeq { problems.append("seq") }
        if captured.flags.contains(.ack) && captured.ackNumber != model.ackNumber { problems.append("ack") }
        if captured.payload.count != model.payload.count {
            problems.append("length")
        } else if !captured.payload.elementsEqual(model.payload) {
            problems.append("payload")
        }
        if settings.compareWindow && captured.window != model.window { problems.append("window") }
        if settings.compareOptions && captured.options != model.options { problems.append("options") }
        return problems
    }

    // MARK: - Text

    /// tcpdump's short form with relative numbers: the device's seq from its ISN, acks from the other side's.
    private func describe(_ segment: TCPSegment, peer: Bool, _ conversation: Conversation) -> String {
        let ownISN = peer ? conversation.peerISN : conversation.deviceISN
        let otherISN = peer ? conversation.deviceISN : conversation.peerISN
        return text(segment, ownISN: ownISN, otherISN: otherISN)
    }

    private func describe(_ segment: TCPSegment, modelISN: SeqNumber?, _ conversation: Conversation) -> String {
        text(segment, ownISN: modelISN, otherISN: conversation.peerISN)
    }

    private func text(_ segment: TCPSegment, ownISN: SeqNumber?, otherISN: SeqNumber?) -> String {
        segmentText(segment, ownISN: ownISN, otherISN: otherISN, payload: false)
    }
}

/// tcpdump's short form, `P. 1:7(6) "hello\n" ack 1 win 63 <nop,nop,TS val 1 ecr 2>` (the payload only with
/// `payload`), with the sequence number relative to `ownISN` and the acknowledgement to `otherISN` (raw when
/// unknown) — as packetdrill scripts write segments.
func segmentText(_ segment: TCPSegment, ownISN: SeqNumber?, otherISN: SeqNumber?, payload: Bool) -> String {
    let seq = ownISN.map { UInt32(truncatingIfNeeded: segment.seq - $0) } ?? segment.seq.rawValue
    let flags = segment.flags.intersection([.syn, .fin, .rst, .psh, .urg, .ack])
    var line = flags.isEmpty ? "-" : "\(flags)"
    line += " \(seq):\(seq &+ UInt32(segment.payload.count))(\(segment.payload.count))"
    if payload && !segment.payload.isEmpty { line += " " + quoted(Array(segment.payload)) }
    if segment.flags.contains(.ack) {
        let ack = otherISN.map { UInt32(truncatingIfNeeded: segment.ackNumber - $0) } ?? segment.ackNumber.rawValue
        line += " ack \(ack)"
    }
    line += " win \(segment.window)"
    if !segment.options.isEmpty { line += " <" + segment.options.map(\.description).joined(separator: ",") + ">" }
    return line
}

func seconds(_ duration: SimDuration) -> Double { Double(duration.nanoseconds) / 1e9 }

func milliseconds(_ duration: SimDuration) -> String {
    let value = Double(duration.nanoseconds) / 1e6
    return value == value.rounded() ? "\(Int(value))" : "\((value * 10).rounded() / 10)"
}
