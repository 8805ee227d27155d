import SimClock
import TCPCore
import TCPSockets
import TCPWire

/// The shutdown stall's verdict read from a run's trace, for any implementation of the terminal server: when
/// the release request reached the device, when the app next accepted a client on the port, and what ended the
/// released connection. The calls are read from the device's FreeRTOS API trace lines, which every app (Swift or
/// C) produces the same way.
struct StallTraceVerdict {
    let scenario: StallScenario

    var verdict: StallVerdict {
        let trace = scenario.network.trace
        let port = StallScenario.port
        guard let release = releaseTime(trace) else {
            return StallVerdict(port: port, stall: nil, cause: "the release request never reached the device")
        }
        // Sockets bound to the port (each REUSE socket and listener), and the clients accepted on them.
        var portSockets: Set<String> = []
        var clients: Set<String> = []
        var accepted: SimInstant?
        var closed: (time: SimInstant, socket: String)?
        for case .call(let time, let host, let text) in trace where host == scenario.device.name {
            if let socket = Self.argument(of: "FreeRTOS_bind(", in: text), text.hasSuffix(", \(port)) = 0") {
                portSockets.insert(String(socket.prefix { $0 != "," }))
            } else if let socket = Self.argument(of: "FreeRTOS_accept(", in: text), portSockets.contains(socket),
                let child = Self.result(of: text), child.hasPrefix("#")
            {
                clients.insert(child)
                if time > release, accepted == nil { accepted = time }
            } else if let socket = Self.argument(of: "FreeRTOS_closesocket(", in: text), time >= release,
                clients.contains(socket), closed == nil
            {
                closed = (time, socket)
            }
        }
        let cause = causeOfFreedom(closed, release: release, trace: trace)
        return StallVerdict(port: port, stall: accepted.map { $0 - release }, cause: cause)
    }

    /// The release request's arrival: the host's segment with data to the control port, one link delay later.
    private func releaseTime(_ trace: [TraceEvent]) -> SimInstant? {
        for case .segment(let time, let from, let to, let packet) in trace
        where from == scenario.host.name && to == scenario.device.name
            && packet.tcp.destinationPort == TerminalServer.controlPort && !packet.tcp.payload.isEmpty
        {
            return time + scenario.linkDelay
        }
        return nil
    }

    private func causeOfFreedom(_ closed: (time: SimInstant, socket: String)?, release: SimInstant,
                                trace: [TraceEvent]) -> String {
        guard let closed else { return "the old connection was never closed" }
        let connection = "#" + closed.socket.dropFirst()
        var last: StateTransition?
        for case .transition(_, let host, let transition) in trace
        where host == scenario.device.name && transition.time <= closed.time && "\(transition.connection)" == connection {
            last = transition
        }
        if let death = last, death.time >= release, death.to == .closeWait || death.to == .closed {
            if case .timer(let why) = death.cause { return why }
            return "\(death.cause) → \(death.to.freeRTOSName), then the app called FreeRTOS_closesocket(\(closed.socket))"
        }
        let state = last.map { " in \($0.to.freeRTOSName)" } ?? ""
        return "the app called FreeRTOS_closesocket(\(closed.socket))\(state)"
    }

    /// `#3` of `FreeRTOS_accept(#3) = …`.
    static func argument(of call: String, in text: String) -> String? {
        guard text.hasPrefix(call) else { return nil }
        let rest = text.dropFirst(call.count)
        return String(rest.prefix { $0 != ")" && $0 != "," })
    }

    /// `#4` of `FreeRTOS_accept(#3) = #4 from …`.
    static func result(of text: String) -> String? {
        let parts = text.split(separator: ") = ", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        return String(parts[1].prefix { $0 != " " })
    }
}
