import SimClock
import TCPCore
import TCPWire

extension TCPStack {
    /// Takes one IPv4 packet from the network. A malformed packet is counted, noted and dropped.
    public func receive(packet bytes: ArraySlice<UInt8>, now: SimInstant) {
        let packet: TCPPacket
        do {
            packet = try TCPPacket(parsing: bytes)
        } catch {
            malformedPackets += 1
            output.notes.append(StackNote(.malformed, "dropped malformed packet (\(bytes.count) bytes): \(error)"))
            return
        }
        receive(parsed: packet, now: now)
    }

    /// Takes one packet that is already a value (from an in-memory link: nothing to parse or verify).
    public func receive(parsed packet: TCPPacket, now: SimInstant) {
        guard packet.ip.destination == address else {
            output.notes.append(StackNote(.dropped, "dropped packet for \(packet.ip.destination), not \(address)"))
            return
        }
        if isFreeRTOS {
            receiveFreeRTOS(packet, now: now)
            ipTaskCycle(now: now)
            return
        }
        receive(packet, now: now)
        pruneStaleTimers()
    }

    /// Demultiplexes a parsed segment: exact 4-tuple first, then a listener, else RFC 9293 §3.10.7.1.
    func receive(_ packet: TCPPacket, now: SimInstant) {
        let segment = packet.tcp
        let key = ConnectionKey(localPort: segment.destinationPort, remote: packet.source)
        if let id = connectionsByKey[key] {
            _ = try? withConnection(id) { connection, out in connection.receive(segment, now: now, into: &out) }
            return
        }
        if let listenerID = listenersByPort[segment.destinationPort] {
            receiveOnListener(listenerID, packet, now: now)
            return
        }
        replyAsClosed(packet, reason: "no socket for port \(segment.destinationPort)")
    }

    /// RFC 9293 §3.10.7.2, LISTEN.
    private func receiveOnListener(_ listenerID: SocketID, _ packet: TCPPacket, now: SimInstant) {
        let segment = packet.tcp
        if segment.flags.contains(.rst) { return }  // "An incoming RST should be ignored."
        if let ack = segment.ack {
            // "Any acknowledgment is bad if it arrives on a connection still in the LISTEN state."
            sendStatelessReset(to: packet, seq: ack, ack: nil, reason: "ACK to a listener")
            return
        }
        guard segment.flags.contains(.syn), case .listener(var listener) = sockets[listenerID]?.role else { return }
        // A listener's queue holds at most `backlog` connections, half-open or waiting for accept()
        // (Linux drops the SYN when full; the peer retransmits).
        guard listener.acceptQueue.count + listener.halfOpen.count < max(1, listener.backlog) else {
            output.notes.append(StackNote(.dropped, "SYN from \(packet.source) dropped: backlog of \(listenerID) full"))
            return
        }
        let child = allocateDescriptor()
        let port = segment.destinationPort
        claimPort(port)
        let connection = TCPConnection(
            id: child.connectionID, local: Endpoint(address, port), remote: packet.source,
            initialSequence: nextInitialSequence(), parameters: parameters, acceptingSyn: segment, now: now,
            into: &scratch)
        sockets[child] = Socket(id: child, localPort: port, role: .connection, parent: listenerID)
        connections[child] = ConnectionBox(connection)
        listener.halfOpen.insert(child)
        sockets[listenerID]?.role = .listener(listener)
        connectionsByKey[ConnectionKey(localPort: port, remote: packet.source)] = child
        absorb(child)
    }

    /// RFC 9293 §3.10.7.1: a segment for a connection that does not exist gets a RST unless it is one.
    func replyAsClosed(_ packet: TCPPacket, reason: String) {
        let segment = packet.tcp
        guard !segment.flags.contains(.rst) else { return }
        if let ack = segment.ack {
            sendStatelessReset(to: packet, seq: ack, ack: nil, reason: reason)
        } else {
            sendStatelessReset(to: packet, seq: SeqNumber(0), ack: segment.seq + segment.sequenceLength,
                               reason: reason)
        }
    }

    /// Sends `<SEQ=seq><ACK=ack><CTL=RST(,ACK)>` back to the sender of `packet`.
    func sendStatelessReset(to packet: TCPPacket, seq: SeqNumber, ack: SeqNumber?, reason: String) {
        let segment = TCPSegment(
            sourcePort: packet.tcp.destinationPort, destinationPort: packet.tcp.sourcePort, seq: seq,
            ackNumber: ack ?? SeqNumber(0), flags: ack == nil ? .rst : [.rst, .ack], window: 0)
        output.notes.append(StackNote(.reset, "RST to \(packet.source): \(reason)"))
        transmit(OutgoingSegment(source: packet.destination, destination: packet.source, segment: segment,
                                 ttl: parameters.ttl))
    }

    func allocateDescriptor() -> SocketID {
        let id = SocketID(nextDescriptor)
        nextDescriptor += 1
        return id
    }
}
