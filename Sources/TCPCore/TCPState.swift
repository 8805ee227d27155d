/// TCPCore — one TCP connection (the TCB) as an explicit, pure state machine.
///
/// `now` comes in as an argument; segments, events and state transitions come out through `TCPOutput`.
/// This module never reads a clock, never draws random numbers and imports neither Foundation nor Glibc.

/// The TCP states, one to one with FreeRTOS+TCP's `eIPTCPState_t`, in its order and numbering.
///
/// FreeRTOS+TCP has no SYN-SENT: `eCONNECT_SYN` covers address resolution and the SYN-SENT phase, and
/// `eSYN_FIRST` is the transient server state between accepting a SYN and sending the SYN+ACK
/// (FreeRTOS: `FreeRTOS_IP.h`, `eIPTCPState_t`).
public enum TCPState: UInt8, CaseIterable, Sendable, CustomStringConvertible {
    case closed = 0
    case listen = 1
    case connectSyn = 2
    case synFirst = 3
    case synReceived = 4
    case established = 5
    case finWait1 = 6
    case finWait2 = 7
    case closeWait = 8
    case closing = 9
    case lastAck = 10
    case timeWait = 11

    /// FreeRTOS's spelling: `eESTABLISHED`.
    public var freeRTOSName: String {
        switch self {
        case .closed: "eCLOSED"
        case .listen: "eTCP_LISTEN"
        case .connectSyn: "eCONNECT_SYN"
        case .synFirst: "eSYN_FIRST"
        case .synReceived: "eSYN_RECEIVED"
        case .established: "eESTABLISHED"
        case .finWait1: "eFIN_WAIT_1"
        case .finWait2: "eFIN_WAIT_2"
        case .closeWait: "eCLOSE_WAIT"
        case .closing: "eCLOSING"
        case .lastAck: "eLAST_ACK"
        case .timeWait: "eTIME_WAIT"
        }
    }

    /// RFC 9293's spelling: `ESTABLISHED`, `SYN-SENT`. `eSYN_FIRST` has no RFC state of its own; it sits
    /// inside the LISTEN → SYN-RECEIVED step.
    public var rfcName: String {
        switch self {
        case .closed: "CLOSED"
        case .listen: "LISTEN"
        case .connectSyn: "SYN-SENT"
        case .synFirst: "SYN-RECEIVED"
        case .synReceived: "SYN-RECEIVED"
        case .established: "ESTABLISHED"
        case .finWait1: "FIN-WAIT-1"
        case .finWait2: "FIN-WAIT-2"
        case .closeWait: "CLOSE-WAIT"
        case .closing: "CLOSING"
        case .lastAck: "LAST-ACK"
        case .timeWait: "TIME-WAIT"
        }
    }

    /// Both names, as traces print them: `eFIN_WAIT_1 [FIN-WAIT-1]`.
    public var description: String { "\(freeRTOSName) [\(rfcName)]" }

    /// Parses either spelling (`eCLOSE_WAIT`, `CLOSE-WAIT`, `CLOSE_WAIT`, `closeWait`). FreeRTOS names are
    /// matched first, so `eSYN_RECEIVED` is eSYN_RECEIVED; an RFC name shared by two states (`SYN-RECEIVED`)
    /// means the one FreeRTOS enters last (eSYN_RECEIVED, not the transient eSYN_FIRST).
    public init?(name: String) {
        let key = name.uppercased().replacingDashes()
        if let state = TCPState.allCases.first(where: { $0.freeRTOSName.uppercased() == key }) {
            self = state
            return
        }
        if let state = TCPState.allCases.first(where: { $0.caseName.uppercased() == key }) {
            self = state
            return
        }
        let rfcKey = key.hasPrefix("E") && !key.hasPrefix("ESTABLISHED") ? String(key.dropFirst()) : key
        if let state = TCPState.allCases.reversed().first(where: {
            $0.rfcName.replacingDashes() == key || $0.rfcName.replacingDashes() == rfcKey
        }) {
            self = state
            return
        }
        return nil
    }

    private var caseName: String {
        switch self {
        case .closed: "closed"
        case .listen: "listen"
        case .connectSyn: "connectSyn"
        case .synFirst: "synFirst"
        case .synReceived: "synReceived"
        case .established: "established"
        case .finWait1: "finWait1"
        case .finWait2: "finWait2"
        case .closeWait: "closeWait"
        case .closing: "closing"
        case .lastAck: "lastAck"
        case .timeWait: "timeWait"
        }
    }

    /// RFC 9293 §3.3.2: the states after the handshake, in which sequence numbers are synchronized.
    public var isSynchronized: Bool {
        switch self {
        case .established, .finWait1, .finWait2, .closeWait, .closing, .lastAck, .timeWait: true
        case .closed, .listen, .connectSyn, .synFirst, .synReceived: false
        }
    }

    /// States in which arriving payload is delivered to the application (RFC 9293 §3.10.7.4, seventh step).
    public var mayReceiveData: Bool {
        switch self {
        case .established, .finWait1, .finWait2: true
        case .closed, .listen, .connectSyn, .synFirst, .synReceived, .closeWait, .closing, .lastAck, .timeWait: false
        }
    }

    /// States in which the application may still queue data to send.
    public var maySendData: Bool {
        switch self {
        case .connectSyn, .synFirst, .synReceived, .established, .closeWait: true
        case .closed, .listen, .finWait1, .finWait2, .closing, .lastAck, .timeWait: false
        }
    }
}

extension String {
    fileprivate func replacingDashes() -> String {
        String(map { $0 == "-" ? "_" : $0 })
    }
}
