import Foundation
import TCPCore

/// A condition over the sockets at one event, in the assertion language's words:
/// `childCount(3) == backlog(3)`, `state(4) == eCLOSE_WAIT and rx(4) > 0`, `flags(3).bFinAcked`.
/// Functions: `state`, `childCount`/`usChildCount`, `backlog`/`usBacklog`, `rx`, `tx`, `flags(N).bX`.
public struct Predicate: Sendable {
    public let text: String
    /// Why the text is not a predicate (nil when it is).
    public let problem: String?
    private let alternatives: [[Term]]

    private enum Value: Equatable {
        case number(Int)
        case state(TCPState)
        case missing
    }

    private enum Operand {
        case function(String, Int)
        case number(Int)
        case state(TCPState)
    }

    private enum Term {
        case comparison(Operand, String, Operand)
        case flag(Int, String)
    }

    public init(_ text: String) {
        self.text = text
        var alternatives: [[Term]] = []
        var problem: String?
        for alternative in text.components(separatedBy: " or ") {
            var terms: [Term] = []
            for part in alternative.components(separatedBy: " and ") {
                let words = part.split(separator: " ").map(String.init)
                if words.count == 1, let flag = Self.flag(words[0]) {
                    terms.append(.flag(flag.0, flag.1))
                } else if words.count == 3, let left = Self.operand(words[0]), let right = Self.operand(words[2]),
                    ["==", "!=", "<", "<=", ">", ">="].contains(words[1])
                {
                    terms.append(.comparison(left, words[1], right))
                } else {
                    problem = problem ?? "a predicate is 'f(N) OP value' or 'flags(N).bX', joined by 'and'/'or'; found '\(part)'"
                }
            }
            alternatives.append(terms)
        }
        self.alternatives = alternatives
        self.problem = problem
    }

    private static func operand(_ word: String) -> Operand? {
        if let number = Int(word) { return .number(number) }
        if let state = TCPState(name: word) { return .state(state) }
        guard let open = word.firstIndex(of: "("), word.hasSuffix(")") else { return nil }
        let name = String(word[..<open])
        guard let socket = Int(word[word.index(after: open)..<word.index(before: word.endIndex)]),
            ["state", "childCount", "usChildCount", "backlog", "usBacklog", "rx", "tx"].contains(name)
        else { return nil }
        return .function(name, socket)
    }

    private static func flag(_ word: String) -> (Int, String)? {
        guard word.hasPrefix("flags("), let close = word.firstIndex(of: ")"),
            let socket = Int(word[word.index(word.startIndex, offsetBy: 6)..<close])
        else { return nil }
        let name = word[word.index(after: close)...]
        guard name.hasPrefix("."), ["bFinSent", "bFinAcked", "bFinRecv", "bFinLast", "bUserShutdown"].contains(String(name.dropFirst()))
        else { return nil }
        return (socket, String(name.dropFirst()))
    }

    /// Whether the predicate holds for `sockets` (the device's sockets first, then other hosts').
    public func holds(in sockets: [SocketSnapshot]) -> Bool {
        guard problem == nil else { return false }
        func socket(_ number: Int) -> SocketSnapshot? {
            sockets.first { $0.id == number && $0.host == "device" } ?? sockets.first { $0.id == number }
        }
        func value(_ operand: Operand) -> Value {
            switch operand {
            case .number(let number): return .number(number)
            case .state(let state): return .state(state)
            case .function(let name, let number):
                guard let socket = socket(number) else { return name == "state" ? .state(.closed) : .missing }
                switch name {
                case "state": return .state(socket.state)
                case "childCount", "usChildCount": return socket.childCount.map(Value.number) ?? .missing
                case "backlog", "usBacklog": return socket.backlog.map(Value.number) ?? .missing
                case "rx": return .number(socket.rx)
                default: return .number(socket.tx)
                }
            }
        }
        func check(_ term: Term) -> Bool {
            switch term {
            case .flag(let number, let name): return socket(number)?.flags.contains(name) ?? false
            case .comparison(let left, let op, let right):
                let (a, b) = (value(left), value(right))
                if a == .missing || b == .missing { return false }
                switch (a, b, op) {
                case (_, _, "=="): return a == b
                case (_, _, "!="): return a != b
                case (.number(let x), .number(let y), "<"): return x < y
                case (.number(let x), .number(let y), "<="): return x <= y
                case (.number(let x), .number(let y), ">"): return x > y
                case (.number(let x), .number(let y), ">="): return x >= y
                default: return false
                }
            }
        }
        return alternatives.contains { $0.allSatisfy(check) }
    }
}
