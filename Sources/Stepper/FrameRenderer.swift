import SimClock
import Simulation
import TCPCore

/// Draws the stepper's frame as text lines of at most `width` columns, `height` lines in all: the header,
/// the current event, every socket, their timers, the last events and the state diagram of one socket.
/// `highlight` wraps the current state (reverse video on a terminal, `▶…◀` in plain text).
public struct FrameRenderer {
    public var width: Int
    public var height: Int
    public var highlight: (String) -> String

    public init(width: Int = 100, height: Int = 40, highlight: @escaping (String) -> String = { "▶\($0)◀" }) {
        self.width = max(40, width)
        self.height = max(12, height)
        self.highlight = highlight
    }

    /// The frame for `stepper`'s current event, with `prompt` (the command line or the last message) last.
    public func render(_ stepper: Stepper, prompt: String? = nil) -> [String] {
        let recording = stepper.recording
        let personality = recording.personality == .freertos ? "FreeRTOS+TCP" : "RFC 9293"
        var top: [String] = []
        top.append(clip("tcpsim step — \(recording.source) — \(personality) — event \(stepper.position + 1)/\(recording.snapshots.count) — t=\(stepper.time)"))
        top.append(clip(stepper.current.map { "▸ " + $0.line.trimmingLeading() } ?? "▸ (before the first event; n steps)"))
        let sockets = stepper.current?.sockets ?? []
        var middle: [String] = [rule("sockets")]
        middle += sockets.isEmpty ? ["  (none yet)"] : sockets.map { clip("  \($0.host) \($0.line)") }
        let timers = sockets.compactMap { socket -> String? in
            guard !socket.timers.isEmpty else { return nil }
            let list = socket.timers.map { "\($0.name) \($0.deadline) (\(relative($0.deadline, to: stepper.time)))" }
            return "  \(socket.host) #\(socket.id): " + list.joined(separator: "; ")
        }
        middle.append(rule("timers"))
        middle += timers.isEmpty ? ["  (none pending)"] : timers.map(clip)
        let diagram = self.diagram(stepper)
        let bottom = [prompt ?? stepper.message].map(clip)
        // The last events fill what is left.
        let room = height - top.count - middle.count - diagram.count - bottom.count - 1
        var events: [String] = [rule("last events")]
        if room > 1, stepper.position >= 0 {
            let first = max(0, stepper.position - (room - 2))
            events += recording.snapshots[first...stepper.position].map { clip("  " + $0.line.trimmingLeading()) }
        }
        var lines = top + middle + (room > 1 ? events : []) + diagram + bottom
        if lines.count > height {
            // A small terminal: keep the header, the event, the diagram and the prompt.
            lines = Array(top + middle.prefix(max(0, height - top.count - diagram.count - bottom.count)) + diagram + bottom)
            lines = Array(lines.suffix(height))
        }
        return lines
    }

    /// All twelve states in three rows (opening, closing, FreeRTOS's end states), the socket's current state
    /// highlighted, the state its last transition left in brackets, states this run never entered marked `·`,
    /// and the last transition with its cause.
    func diagram(_ stepper: Stepper) -> [String] {
        let socket = stepper.diagramSocket
        let entered = stepper.enteredStates(of: socket?.host ?? "device")
        let rows: [[TCPState]] = [
            [.closed, .listen, .connectSyn, .synFirst, .synReceived, .established],
            [.finWait1, .finWait2, .closing, .timeWait],
            [.closeWait, .lastAck],
        ]
        let last = socket.flatMap { stepper.lastTransition(of: $0) }
        var lines = [rule("state diagram" + (socket.map { " — \($0.host) #\($0.id)" } ?? ""))]
        for (number, row) in rows.enumerated() {
            let arrow = number == 2 ? "  ──▶  " : " ─▶ "
            let cells = row.map { state -> String in
                var name = String(state.freeRTOSName.dropFirst())
                if !entered.contains(state) && state != .closed { name += "·" }
                if socket?.state == state { return highlight(name) }
                // The state the last transition left is bracketed: the transition is drawn from it to the highlight.
                if let last, last.from == state, last.to != state { return "[\(name)]" }
                return name
            }
            lines.append(clipKeepingHighlight("  " + cells.joined(separator: arrow)))
        }
        if let transition = last {
            lines.append(clip("  last: \(transition.from.freeRTOSName) → \(transition.to.freeRTOSName) at \(transition.time) (\(transition.cause))"))
        } else {
            lines.append("  last: —")
        }
        return lines
    }

    /// `in 20.0 s`, or `due` for a deadline already reached (FreeRTOS acts at the next wake-up).
    private func relative(_ deadline: SimInstant, to now: SimInstant) -> String {
        deadline > now ? "in \(deadline - now)" : "due"
    }

    private func rule(_ title: String) -> String {
        let text = "── \(title) "
        return text + String(repeating: "─", count: max(0, width - text.count))
    }

    private func clip(_ line: String) -> String {
        line.count <= width ? line : String(line.prefix(width - 1)) + "…"
    }

    /// Clips by visible characters, not counting terminal escape sequences.
    private func clipKeepingHighlight(_ line: String) -> String {
        var visible = 0
        var result = ""
        var inEscape = false
        for character in line {
            if character == "\u{1B}" { inEscape = true }
            if !inEscape {
                visible += 1
                if visible > width { break }
            }
            result.append(character)
            if inEscape && character.isLetter { inEscape = false }
        }
        return result
    }
}

extension String {
    func trimmingLeading() -> String { String(drop { $0 == " " }) }
}
