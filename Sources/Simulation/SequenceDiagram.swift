import SimClock
import TCPCore
import TCPWire

/// A run as a sequence diagram for bug reports: hosts as lifelines, segments as arrows between them, each
/// state change as a note with its cause (and the socket timer that fired, when one did), in three renderings:
/// text (like `tshark -z flow,tcp,network`), Mermaid (for issue trackers) and SVG (for a browser).
public struct SequenceDiagram {
    public enum Row: Equatable {
        case segment(time: SimInstant, from: String, to: String, label: String)
        case note(time: SimInstant, host: String, text: String)
    }

    public private(set) var hosts: [String] = []
    public private(set) var rows: [Row] = []

    public init(_ events: [TraceEvent]) {
        var formatter = TimelineFormatter()
        var lastTimer: [String: TimerFiring] = [:]
        func add(_ host: String) { if !hosts.contains(host) { hosts.append(host) } }
        for event in events {
            switch event {
            case .segment(let time, let from, let to, let packet):
                add(from)
                add(to)
                // The short form: flags, relative sequence numbers, window, options (the lifelines name the ends).
                let line = formatter.segmentText(packet)
                let label: String
                if let colon = line.firstIndex(of: ":") {
                    label = String(line[line.index(after: colon)...].drop { $0 == " " })
                } else {
                    label = line
                }
                rows.append(.segment(time: time, from: from, to: to, label: "\(packet.tcp.sourcePort)→\(packet.tcp.destinationPort) \(label)"))
            case .transition(let time, let host, let transition):
                add(host)
                var text = "#\(transition.connection.rawValue) \(transition.from.freeRTOSName) → \(transition.to.freeRTOSName) (\(transition.cause))"
                if let timer = lastTimer[host], timer.time == time, timer.connection == transition.connection {
                    text += " — timer fired: \(timer)"
                }
                rows.append(.note(time: time, host: host, text: text))
            case .timer(_, let host, let firing):
                lastTimer[host] = firing
            default:
                break
            }
        }
    }

    /// Every state change's text, in order (for checks).
    public var notes: [String] {
        rows.compactMap { if case .note(_, _, let text) = $0 { return text } else { return nil } }
    }

    // MARK: - Text

    /// `  0.100000  host ───── S 0:0(0) win 64240 ─────▶ device` and `  2.003500  device  * #3 … (cause)`.
    public var text: String {
        var lines = ["time        " + hosts.joined(separator: " | ")]
        for row in rows {
            switch row {
            case .segment(let time, let from, let to, let label):
                let leftToRight = (hosts.firstIndex(of: from) ?? 0) < (hosts.firstIndex(of: to) ?? 0)
                let arrow = leftToRight ? "\(from) ── \(label) ──▶ \(to)" : "\(to) ◀── \(label) ── \(from)"
                lines.append("\(pad(time))  \(arrow)")
            case .note(let time, let host, let text):
                lines.append("\(pad(time))  \(host): \(text)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func pad(_ time: SimInstant) -> String {
        let text = time.description
        return String(repeating: " ", count: max(0, 10 - text.count)) + text
    }

    // MARK: - Mermaid

    /// A Mermaid `sequenceDiagram` block.
    public var mermaid: String {
        var lines = ["sequenceDiagram"]
        for host in hosts { lines.append("    participant \(identifier(host)) as \(escapeMermaid(host))") }
        for row in rows {
            switch row {
            case .segment(let time, let from, let to, let label):
                lines.append("    \(identifier(from))->>\(identifier(to)): \(escapeMermaid("\(time) \(label)"))")
            case .note(let time, let host, let text):
                lines.append("    Note over \(identifier(host)): \(escapeMermaid("\(time) \(text)"))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func identifier(_ host: String) -> String {
        String(host.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    /// Mermaid reads `#…;` as entity codes and `;` ends a statement: both are written as entity codes.
    private func escapeMermaid(_ text: String) -> String {
        escape(text, ["#": "#35;", ";": "#59;", "<": "#lt;", ">": "#gt;"])
    }

    // MARK: - SVG

    /// A standalone SVG document: a column per host, time running down, arrows labelled in tcpdump style,
    /// state changes as boxes on their host's lifeline.
    public var svg: String {
        let column = 420
        let left = 110
        let rowHeight = 26
        let top = 60
        let width = left + column * max(1, hosts.count - 1) + 360
        let height = top + rowHeight * (rows.count + 1) + 20
        func x(_ host: String) -> Int { left + column * (hosts.firstIndex(of: host) ?? 0) }
        var parts: [String] = []
        parts.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        parts.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"monospace\" font-size=\"12\">")
        parts.append("<defs><marker id=\"arrow\" markerWidth=\"10\" markerHeight=\"8\" refX=\"9\" refY=\"4\" orient=\"auto\"><path d=\"M0,0 L10,4 L0,8 z\" fill=\"#333\"/></marker></defs>")
        parts.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>")
        for host in hosts {
            parts.append("<text x=\"\(x(host))\" y=\"30\" text-anchor=\"middle\" font-weight=\"bold\">\(escapeXML(host))</text>")
            parts.append("<line x1=\"\(x(host))\" y1=\"40\" x2=\"\(x(host))\" y2=\"\(height - 10)\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>")
        }
        for (index, row) in rows.enumerated() {
            let y = top + rowHeight * index
            switch row {
            case .segment(let time, let from, let to, let label):
                parts.append("<text x=\"8\" y=\"\(y + 4)\" fill=\"#666\">\(escapeXML(time.description))</text>")
                parts.append("<line x1=\"\(x(from))\" y1=\"\(y)\" x2=\"\(x(to))\" y2=\"\(y)\" stroke=\"#333\" marker-end=\"url(#arrow)\"/>")
                parts.append("<text x=\"\((x(from) + x(to)) / 2)\" y=\"\(y - 4)\" text-anchor=\"middle\">\(escapeXML(label))</text>")
            case .note(let time, let host, let text):
                parts.append("<text x=\"8\" y=\"\(y + 4)\" fill=\"#666\">\(escapeXML(time.description))</text>")
                let boxWidth = min(900, 7 * text.count + 12)
                parts.append("<rect x=\"\(x(host) - 6)\" y=\"\(y - 12)\" width=\"\(boxWidth)\" height=\"18\" rx=\"3\" fill=\"#fff3c4\" stroke=\"#c9a227\"/>")
                parts.append("<text x=\"\(x(host))\" y=\"\(y + 1)\">\(escapeXML(text))</text>")
            }
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n") + "\n"
    }

    private func escapeXML(_ text: String) -> String {
        escape(text, ["&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;"])
    }

    /// `text` with each character in `table` replaced by its entry.
    private func escape(_ text: String, _ table: [Character: String]) -> String {
        var result = ""
        for character in text {
            if let replacement = table[character] { result += replacement } else { result.append(character) }
        }
        return result
    }
}
