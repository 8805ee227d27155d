import SimClock
import TCPCore
import TCPSockets
import TCPWire

// The FreeRTOS+TCP C spellings users search for (`FreeRTOS_Sockets.h`), as thin forwards to the Swift API in
// `Host+FreeRTOS.swift`. Values are FreeRTOS's own. The device is the `Host` the call is made on.

public typealias Socket_t = SocketID
public typealias BaseType_t = Int32
public typealias TickType_t = UInt32
public typealias EventBits_t = SelectEvents
public typealias SocketSet_t = FreeRTOSSocketSet

/// `portMAX_DELAY`: block for ever.
public let portMAX_DELAY = TickType_t.max
public let pdTRUE: BaseType_t = 1
public let pdFALSE: BaseType_t = 0
/// `FREERTOS_INVALID_SOCKET` (`~0U` in C).
public let FREERTOS_INVALID_SOCKET = SocketID(-1)

public let FREERTOS_AF_INET: BaseType_t = 2
public let FREERTOS_SOCK_STREAM: BaseType_t = 1
public let FREERTOS_IPPROTO_TCP: BaseType_t = 6

public let FREERTOS_MSG_PEEK: BaseType_t = 4
public let FREERTOS_MSG_DONTWAIT: BaseType_t = 16

public let FREERTOS_SO_RCVTIMEO: BaseType_t = 0
public let FREERTOS_SO_SNDTIMEO: BaseType_t = 1
public let FREERTOS_SO_SNDBUF: BaseType_t = 4
public let FREERTOS_SO_RCVBUF: BaseType_t = 5
public let FREERTOS_SO_REUSE_LISTEN_SOCKET: BaseType_t = 11
public let FREERTOS_SO_CLOSE_AFTER_SEND: BaseType_t = 12
public let FREERTOS_SO_WIN_PROPERTIES: BaseType_t = 13
public let FREERTOS_SO_STOP_RX: BaseType_t = 15
public let FREERTOS_SO_SET_LOW_HIGH_WATER: BaseType_t = 18

public let FREERTOS_SHUT_RD: BaseType_t = 0
public let FREERTOS_SHUT_WR: BaseType_t = 1
public let FREERTOS_SHUT_RDWR: BaseType_t = 2

public let eSELECT_READ = SelectEvents.read
public let eSELECT_WRITE = SelectEvents.write
public let eSELECT_EXCEPT = SelectEvents.except
public let eSELECT_INTR = SelectEvents.interrupt

public let pdFREERTOS_ERRNO_NONE: BaseType_t = 0
public let pdFREERTOS_ERRNO_EINTR = FreeRTOSErrno.EINTR.rawValue
public let pdFREERTOS_ERRNO_EBADF = FreeRTOSErrno.EBADF.rawValue
public let pdFREERTOS_ERRNO_EAGAIN = FreeRTOSErrno.EAGAIN.rawValue
public let pdFREERTOS_ERRNO_EWOULDBLOCK = FreeRTOSErrno.EAGAIN.rawValue
public let pdFREERTOS_ERRNO_ENOMEM = FreeRTOSErrno.ENOMEM.rawValue
public let pdFREERTOS_ERRNO_EINVAL = FreeRTOSErrno.EINVAL.rawValue
public let pdFREERTOS_ERRNO_ENOSPC = FreeRTOSErrno.ENOSPC.rawValue
public let pdFREERTOS_ERRNO_EOPNOTSUPP = FreeRTOSErrno.EOPNOTSUPP.rawValue
public let pdFREERTOS_ERRNO_ENOPROTOOPT = FreeRTOSErrno.ENOPROTOOPT.rawValue
public let pdFREERTOS_ERRNO_EADDRINUSE = FreeRTOSErrno.EADDRINUSE.rawValue
public let pdFREERTOS_ERRNO_ETIMEDOUT = FreeRTOSErrno.ETIMEDOUT.rawValue
public let pdFREERTOS_ERRNO_EINPROGRESS = FreeRTOSErrno.EINPROGRESS.rawValue
public let pdFREERTOS_ERRNO_EADDRNOTAVAIL = FreeRTOSErrno.EADDRNOTAVAIL.rawValue
public let pdFREERTOS_ERRNO_EISCONN = FreeRTOSErrno.EISCONN.rawValue
public let pdFREERTOS_ERRNO_ENOTCONN = FreeRTOSErrno.ENOTCONN.rawValue
public let pdFREERTOS_ERRNO_ECANCELED = FreeRTOSErrno.ECANCELED.rawValue

/// `WinProperties_t` for `FREERTOS_SO_WIN_PROPERTIES`.
public struct WinProperties_t: Hashable, Sendable {
    public var lTxBufSize: Int32
    public var lTxWinSize: Int32
    public var lRxBufSize: Int32
    public var lRxWinSize: Int32
    public init(lTxBufSize: Int32, lTxWinSize: Int32, lRxBufSize: Int32, lRxWinSize: Int32) {
        self.lTxBufSize = lTxBufSize
        self.lTxWinSize = lTxWinSize
        self.lRxBufSize = lRxBufSize
        self.lRxWinSize = lRxWinSize
    }
}

/// `LowHighWater_t` for `FREERTOS_SO_SET_LOW_HIGH_WATER`.
public struct LowHighWater_t: Hashable, Sendable {
    public var uxLittleSpace: Int
    public var uxEnoughSpace: Int
    public init(uxLittleSpace: Int, uxEnoughSpace: Int) {
        self.uxLittleSpace = uxLittleSpace
        self.uxEnoughSpace = uxEnoughSpace
    }
}

extension Host {
    /// Ticks of this device's RTOS as a block time (`portMAX_DELAY` = for ever).
    func blockTime(_ ticks: TickType_t) -> BlockTime {
        ticks == portMAX_DELAY ? .forever : .after(stack.parameters.freeRTOS.tick * Int64(ticks))
    }

    /// `Socket_t FreeRTOS_socket( BaseType_t xDomain, BaseType_t xType, BaseType_t xProtocol )`: TCP only here.
    public func FreeRTOS_socket(_ xDomain: BaseType_t, _ xType: BaseType_t, _ xProtocol: BaseType_t) -> Socket_t {
        guard xDomain == FREERTOS_AF_INET, xType == FREERTOS_SOCK_STREAM,
            xProtocol == FREERTOS_IPPROTO_TCP || xProtocol == 0
        else { return FREERTOS_INVALID_SOCKET }
        return rtosSocket()
    }

    /// `BaseType_t FreeRTOS_bind( Socket_t, struct freertos_sockaddr *, socklen_t )`, with the port.
    public func FreeRTOS_bind(_ xSocket: Socket_t, _ port: UInt16) -> BaseType_t { rtosBind(xSocket, port: port) }

    /// `BaseType_t FreeRTOS_listen( Socket_t xSocket, BaseType_t xBacklog )`.
    public func FreeRTOS_listen(_ xSocket: Socket_t, _ xBacklog: BaseType_t) -> BaseType_t {
        rtosListen(xSocket, backlog: Int(xBacklog))
    }

    /// `Socket_t FreeRTOS_accept( Socket_t, struct freertos_sockaddr *, socklen_t * )`: nil is NULL (timeout).
    public func FreeRTOS_accept(_ xServerSocket: Socket_t) async -> Socket_t? {
        switch await rtosAccept(xServerSocket) {
        case .accepted(let socket): socket
        case .nothing: nil
        case .invalid: FREERTOS_INVALID_SOCKET
        }
    }

    /// `BaseType_t FreeRTOS_connect( Socket_t, struct freertos_sockaddr *, socklen_t )`.
    public func FreeRTOS_connect(_ xClientSocket: Socket_t, _ address: IPv4Address, _ port: UInt16) async -> BaseType_t {
        await rtosConnect(xClientSocket, to: Endpoint(address, port))
    }

    /// `BaseType_t FreeRTOS_send( Socket_t, const void *, size_t, BaseType_t xFlags )`.
    public func FreeRTOS_send(_ xSocket: Socket_t, _ pvBuffer: [UInt8], _ xFlags: BaseType_t = 0) async -> BaseType_t {
        await rtosSend(xSocket, pvBuffer, dontWait: xFlags & FREERTOS_MSG_DONTWAIT != 0)
    }

    /// `BaseType_t FreeRTOS_recv( Socket_t, void *, size_t, BaseType_t xFlags )`: the bytes go into `pvBuffer`.
    public func FreeRTOS_recv(_ xSocket: Socket_t, _ pvBuffer: inout [UInt8], _ uxBufferLength: Int,
                              _ xFlags: BaseType_t = 0) async -> BaseType_t {
        let (result, bytes) = await rtosRecv(
            xSocket, upTo: uxBufferLength, peek: xFlags & FREERTOS_MSG_PEEK != 0,
            dontWait: xFlags & FREERTOS_MSG_DONTWAIT != 0)
        pvBuffer = bytes
        return result
    }

    /// `BaseType_t FreeRTOS_shutdown( Socket_t xSocket, BaseType_t xHow )` (`xHow` is ignored, as in FreeRTOS).
    public func FreeRTOS_shutdown(_ xSocket: Socket_t, _ xHow: BaseType_t) -> BaseType_t { rtosShutdown(xSocket) }

    /// `BaseType_t FreeRTOS_closesocket( Socket_t xSocket )`.
    public func FreeRTOS_closesocket(_ xSocket: Socket_t) -> BaseType_t { rtosCloseSocket(xSocket) }

    /// `BaseType_t FreeRTOS_setsockopt( Socket_t, int32_t lLevel, int32_t lOptionName, const void *, size_t )`
    /// for options whose value is a number: ticks for RCVTIMEO/SNDTIMEO, bytes for SNDBUF/RCVBUF, a flag otherwise.
    public func FreeRTOS_setsockopt(_ xSocket: Socket_t, _ lLevel: Int32, _ lOptionName: BaseType_t, _ value: UInt32)
        -> BaseType_t
    {
        guard stack.exists(xSocket) else { return -pdFREERTOS_ERRNO_EINVAL }
        switch lOptionName {
        case FREERTOS_SO_RCVTIMEO:
            rtosSetTimeouts(xSocket, receive: blockTime(value))
            return 0
        case FREERTOS_SO_SNDTIMEO:
            rtosSetTimeouts(xSocket, send: blockTime(value))
            return 0
        case FREERTOS_SO_SNDBUF: return rtosSetOption(xSocket, .sendBuffer(Int(value)))
        case FREERTOS_SO_RCVBUF: return rtosSetOption(xSocket, .receiveBuffer(Int(value)))
        case FREERTOS_SO_REUSE_LISTEN_SOCKET: return rtosSetOption(xSocket, .reuseListenSocket(value != 0))
        case FREERTOS_SO_CLOSE_AFTER_SEND: return rtosSetOption(xSocket, .closeAfterSend(value != 0))
        case FREERTOS_SO_STOP_RX: return rtosSetOption(xSocket, .stopReceive(value != 0))
        default: return -pdFREERTOS_ERRNO_ENOPROTOOPT
        }
    }

    /// `FreeRTOS_setsockopt( xSocket, 0, FREERTOS_SO_SET_LOW_HIGH_WATER, &xLowHighWater, sizeof( … ) )`.
    public func FreeRTOS_setsockopt(_ xSocket: Socket_t, _ lLevel: Int32, _ lOptionName: BaseType_t,
                                    _ lowHighWater: LowHighWater_t) -> BaseType_t {
        guard lOptionName == FREERTOS_SO_SET_LOW_HIGH_WATER else { return -pdFREERTOS_ERRNO_EINVAL }
        return rtosSetOption(xSocket, .lowHighWater(little: lowHighWater.uxLittleSpace, enough: lowHighWater.uxEnoughSpace))
    }

    /// `FreeRTOS_setsockopt( xSocket, 0, FREERTOS_SO_WIN_PROPERTIES, &xWinProps, sizeof( xWinProps ) )`.
    public func FreeRTOS_setsockopt(_ xSocket: Socket_t, _ lLevel: Int32, _ lOptionName: BaseType_t,
                                    _ properties: WinProperties_t) -> BaseType_t {
        guard lOptionName == FREERTOS_SO_WIN_PROPERTIES else { return -pdFREERTOS_ERRNO_EINVAL }
        return rtosSetOption(xSocket, .windowProperties(
            txBuffer: Int(properties.lTxBufSize), txWindow: Int(properties.lTxWinSize),
            rxBuffer: Int(properties.lRxBufSize), rxWindow: Int(properties.lRxWinSize)))
    }

    /// `BaseType_t FreeRTOS_issocketconnected( ConstSocket_t xSocket )`.
    public func FreeRTOS_issocketconnected(_ xSocket: Socket_t) -> BaseType_t {
        guard stack.exists(xSocket) else { return -pdFREERTOS_ERRNO_EINVAL }
        return rtosIsConnected(xSocket) ? pdTRUE : pdFALSE
    }

    /// `BaseType_t FreeRTOS_connstatus( ConstSocket_t xSocket )`: the `eIPTCPState_t` value.
    public func FreeRTOS_connstatus(_ xSocket: Socket_t) -> BaseType_t { rtosConnectionStatus(xSocket) }

    /// `SocketSet_t FreeRTOS_CreateSocketSet( void )`.
    public func FreeRTOS_CreateSocketSet() -> SocketSet_t { rtosCreateSocketSet() }

    /// `void FreeRTOS_FD_SET( Socket_t, SocketSet_t, EventBits_t )`.
    public func FreeRTOS_FD_SET(_ xSocket: Socket_t, _ xSocketSet: SocketSet_t, _ xBitsToSet: EventBits_t) {
        rtosFDSet(xSocket, xSocketSet, xBitsToSet)
    }

    /// `void FreeRTOS_FD_CLR( Socket_t, SocketSet_t, EventBits_t )`.
    public func FreeRTOS_FD_CLR(_ xSocket: Socket_t, _ xSocketSet: SocketSet_t, _ xBitsToClear: EventBits_t) {
        rtosFDClear(xSocket, xSocketSet, xBitsToClear)
    }

    /// `EventBits_t FreeRTOS_FD_ISSET( const ConstSocket_t, const ConstSocketSet_t )`.
    public func FreeRTOS_FD_ISSET(_ xSocket: Socket_t, _ xSocketSet: SocketSet_t) -> EventBits_t {
        rtosFDIsSet(xSocket, xSocketSet)
    }

    /// `BaseType_t FreeRTOS_select( SocketSet_t xSocketSet, TickType_t xBlockTimeTicks )`: the bits, 0 on timeout.
    public func FreeRTOS_select(_ xSocketSet: SocketSet_t, _ xBlockTimeTicks: TickType_t) async -> BaseType_t {
        BaseType_t(await rtosSelect(xSocketSet, timeout: blockTime(xBlockTimeTicks)).rawValue)
    }

    /// `BaseType_t FreeRTOS_SignalSocket( Socket_t xSocket )`: a select on the socket's set returns
    /// `eSELECT_INTR`; a socket in no set has its blocked `FreeRTOS_recv()` return `-pdFREERTOS_ERRNO_EINTR`.
    public func FreeRTOS_SignalSocket(_ xSocket: Socket_t) -> BaseType_t {
        guard stack.exists(xSocket) else { return -pdFREERTOS_ERRNO_EINVAL }
        if let set = rtosSets.values.first(where: { stack.rtosIsMember(xSocket, of: $0.id) }) {
            rtosSignal(set)
        } else {
            rtosSignal(xSocket)
        }
        return 0
    }

    /// `void FreeRTOS_netstat( void )`: one line per socket.
    public func FreeRTOS_netstat() -> [String] { rtosNetstat() }
}
