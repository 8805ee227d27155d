import CAppShim
import Simulation
import TCPSockets
import TCPWire

/// The FreeRTOS+TCP socket calls, forwarded to the device's FreeRTOS API (`Host+FreeRTOS`): the same code, the
/// same trace lines as the Swift apps' calls.
extension CApplication {
    func handleSocket(_ request: CRequest, op: tcpsim_op, from task: CTask) async -> CReply? {
        let socket = SocketID(Int(truncatingIfNeeded: request.a0))
        switch op {
        case TCPSIM_OP_SOCKET:
            let domain = Int32(truncatingIfNeeded: request.a0), type = Int32(truncatingIfNeeded: request.a1)
            let created = device.FreeRTOS_socket(domain, type, Int32(truncatingIfNeeded: request.a2))
            if created == FREERTOS_INVALID_SOCKET {
                device.log("FreeRTOS_socket(\(domain), \(type), \(request.a2)) = FREERTOS_INVALID_SOCKET (tcpsim models TCP over IPv4 only)")
                return CReply(-2)
            }
            return CReply(Int64(created.rawValue))
        case TCPSIM_OP_BIND:
            return CReply(Int64(device.FreeRTOS_bind(socket, UInt16(truncatingIfNeeded: request.a1))))
        case TCPSIM_OP_LISTEN:
            return CReply(Int64(device.FreeRTOS_listen(socket, Int32(truncatingIfNeeded: request.a1))))
        case TCPSIM_OP_ACCEPT:
            let child = await blocking(task) { await device.FreeRTOS_accept(socket) }
            guard let child else { return CReply(-1) }
            if child == FREERTOS_INVALID_SOCKET { return CReply(-2) }
            return CReply(Int64(child.rawValue), remote(of: child))
        case TCPSIM_OP_CONNECT:
            let address = IPv4Address(rawValue: UInt32(truncatingIfNeeded: request.a1))
            let port = UInt16(truncatingIfNeeded: request.a2)
            return CReply(Int64(await blocking(task) { await device.FreeRTOS_connect(socket, address, port) }))
        case TCPSIM_OP_SEND:
            let flags = Int32(truncatingIfNeeded: request.a1)
            return CReply(Int64(await blocking(task) { await device.FreeRTOS_send(socket, request.data, flags) }))
        case TCPSIM_OP_RECV:
            var buffer: [UInt8] = []
            let length = Int(clamping: max(0, min(request.a1, Int64(TCPSIM_CHANNEL_DATA_MAX))))
            let flags = Int32(truncatingIfNeeded: request.a2)
            let result = await blocking(task) { await device.FreeRTOS_recv(socket, &buffer, length, flags) }
            return CReply(Int64(result), data: buffer)
        case TCPSIM_OP_SHUTDOWN:
            return CReply(Int64(device.FreeRTOS_shutdown(socket, Int32(truncatingIfNeeded: request.a1))))
        case TCPSIM_OP_CLOSE:
            return CReply(Int64(device.FreeRTOS_closesocket(socket)))
        case TCPSIM_OP_SETSOCKOPT:
            return CReply(Int64(setOption(socket, request)))
        case TCPSIM_OP_SET_CREATE:
            let id = newObjectID()
            socketSets[id] = device.FreeRTOS_CreateSocketSet()
            return CReply(id)
        case TCPSIM_OP_SET_DELETE:
            socketSets[request.a0] = nil
            return CReply()
        case TCPSIM_OP_FD_SET, TCPSIM_OP_FD_CLR:
            guard let set = socketSets[request.a1] else { return CReply() }
            let bits = SelectEvents(rawValue: UInt8(truncatingIfNeeded: request.a2)).intersection(.all)
            if op == TCPSIM_OP_FD_SET { device.FreeRTOS_FD_SET(socket, set, bits) } else { device.FreeRTOS_FD_CLR(socket, set, bits) }
            return CReply()
        case TCPSIM_OP_FD_ISSET:
            guard let set = socketSets[request.a1] else { return CReply() }
            return CReply(Int64(device.FreeRTOS_FD_ISSET(socket, set).rawValue))
        case TCPSIM_OP_SELECT:
            guard let set = socketSets[request.a0] else { return CReply(Int64(-pdFREERTOS_ERRNO_EINVAL)) }
            let ticks = UInt32(truncatingIfNeeded: request.a1)
            return CReply(Int64(await blocking(task) { await device.FreeRTOS_select(set, ticks) }))
        case TCPSIM_OP_SOCKET_QUERY:
            return query(socket, request.a1)
        case TCPSIM_OP_SIGNAL:
            return CReply(Int64(device.FreeRTOS_SignalSocket(socket)))
        case TCPSIM_OP_NETSTAT:
            for line in device.FreeRTOS_netstat() { device.log(line) }
            return CReply()
        default:
            return nil
        }
    }

    /// The remote end as the C side unpacks it: address << 16 | port.
    private func remote(of socket: SocketID) -> Int64 {
        guard let remote = device.stack.connection(of: socket)?.remote else { return 0 }
        return Int64(remote.address.rawValue) << 16 | Int64(remote.port)
    }

    private func setOption(_ socket: SocketID, _ request: CRequest) -> Int32 {
        let level = Int32(truncatingIfNeeded: request.a1), name = Int32(truncatingIfNeeded: request.a2)
        switch name {
        case FREERTOS_SO_WIN_PROPERTIES:
            guard request.data.count >= 16 else { return -pdFREERTOS_ERRNO_EINVAL }
            let field = { (index: Int) in Int32(littleEndianBytes: request.data[(index * 4)..<(index * 4 + 4)]) }
            return device.FreeRTOS_setsockopt(socket, level, name, WinProperties_t(
                lTxBufSize: field(0), lTxWinSize: field(1), lRxBufSize: field(2), lRxWinSize: field(3)))
        case FREERTOS_SO_SET_LOW_HIGH_WATER:
            guard request.data.count >= 16 else { return -pdFREERTOS_ERRNO_EINVAL }
            let little = Int(Int64(littleEndianBytes: request.data[0..<8]))
            let enough = Int(Int64(littleEndianBytes: request.data[8..<16]))
            return device.FreeRTOS_setsockopt(socket, level, name, LowHighWater_t(uxLittleSpace: little, uxEnoughSpace: enough))
        case FREERTOS_SO_RCVTIMEO, FREERTOS_SO_SNDTIMEO, FREERTOS_SO_SNDBUF, FREERTOS_SO_RCVBUF,
            FREERTOS_SO_REUSE_LISTEN_SOCKET, FREERTOS_SO_CLOSE_AFTER_SEND, FREERTOS_SO_STOP_RX:
            return device.FreeRTOS_setsockopt(socket, level, name, UInt32(truncatingIfNeeded: request.a3))
        default:
            device.log("FreeRTOS_setsockopt(\(socket), option \(name)): not modelled, -pdFREERTOS_ERRNO_ENOPROTOOPT")
            return -pdFREERTOS_ERRNO_ENOPROTOOPT
        }
    }

    private func query(_ socket: SocketID, _ what: Int64) -> CReply {
        let connection = device.stack.connection(of: socket)
        guard device.stack.exists(socket) else { return CReply(Int64(-pdFREERTOS_ERRNO_EINVAL)) }
        switch tcpsim_socket_query(rawValue: UInt32(truncatingIfNeeded: what)) {
        case TCPSIM_QUERY_CONNSTATUS: return CReply(Int64(device.FreeRTOS_connstatus(socket)))
        case TCPSIM_QUERY_IS_CONNECTED: return CReply(Int64(device.FreeRTOS_issocketconnected(socket)))
        case TCPSIM_QUERY_TX_SPACE:
            // Before its stream exists FreeRTOS reports the socket's uxTxStreamSize.
            return CReply(Int64(connection?.sendSpace ?? device.stack.rtosSendBufferSize(of: socket)))
        case TCPSIM_QUERY_TX_SIZE: return CReply(Int64(connection?.sendBuffer.count ?? 0))
        case TCPSIM_QUERY_RX_SIZE: return CReply(Int64(connection?.readableCount ?? 0))
        case TCPSIM_QUERY_MSS: return CReply(Int64(connection.map { $0.send.maximumSegmentSize } ?? device.stack.parameters.mss))
        case TCPSIM_QUERY_REMOTE:
            guard let remote = connection?.remote else { return CReply(0, 0) }
            return CReply(Int64(remote.address.rawValue), Int64(remote.port))
        case TCPSIM_QUERY_LOCAL:
            guard let local = connection?.local else { return CReply(Int64(device.address.rawValue), 0) }
            return CReply(Int64(local.address.rawValue), Int64(local.port))
        default: return CReply(Int64(-pdFREERTOS_ERRNO_EINVAL))
        }
    }
}

extension FixedWidthInteger {
    init(littleEndianBytes bytes: ArraySlice<UInt8>) {
        var value = Self.zero
        for (index, byte) in bytes.enumerated() where index < MemoryLayout<Self>.size {
            value |= Self(truncatingIfNeeded: byte) << (index * 8)
        }
        self = value
    }
}
