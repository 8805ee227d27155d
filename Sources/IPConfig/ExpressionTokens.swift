// Tokens of a macro's value, each with the place in the file where it starts.

/// A 1-based line and column (in UTF-8 bytes, a tab counting as one) in the original file.
struct SourcePosition: Hashable, Sendable, Comparable {
    var line: Int
    var column: Int

    static func < (a: SourcePosition, b: SourcePosition) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}

enum Punctuator: String, Sendable {
    case leftParenthesis = "(", rightParenthesis = ")"
    case plus = "+", minus = "-", star = "*", slash = "/", percent = "%"
    case shiftLeft = "<<", shiftRight = ">>"
    case less = "<", greater = ">", lessOrEqual = "<=", greaterOrEqual = ">="
    case equal = "==", notEqual = "!="
    case ampersand = "&", caret = "^", bar = "|", logicalAnd = "&&", logicalOr = "||"
    case exclamation = "!", tilde = "~", question = "?", colon = ":"
}

struct Token: Sendable {
    enum Kind: Sendable {
        /// A preprocessing number, read as an integer literal only when evaluated.
        case number(String)
        case identifier(String)
        case punctuator(Punctuator)
        /// Anything else (`=`, `#`, `"`, `.`, a non-ASCII character…), an error wherever it appears.
        case other(String)
    }

    var kind: Kind
    var position: SourcePosition

    /// How the token reads in a message.
    var quoted: String {
        switch kind {
        case .number(let text), .identifier(let text), .other(let text): "'\(text.printable)'"
        case .punctuator(let punctuator): "'\(punctuator.rawValue)'"
        }
    }
}

/// Splits bytes into tokens. `positions[i]` is where `bytes[i]` sits in the file. Total: any bytes give tokens.
func tokenize(_ bytes: ArraySlice<UInt8>, positions: ArraySlice<SourcePosition>) -> [Token] {
    var tokens: [Token] = []
    var index = bytes.startIndex
    func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
    while index < bytes.endIndex {
        let byte = bytes[index]
        let position = positions[index]
        if isHorizontalSpace(byte) {
            index += 1
        } else if isDigit(byte)
            || (byte == UInt8(ascii: ".") && index + 1 < bytes.endIndex && isDigit(bytes[index + 1]))
        {
            // C's pp-number: digits, letters, '_', '.', and a sign right after an exponent letter.
            let start = index
            index += 1
            while index < bytes.endIndex {
                let next = bytes[index]
                if isIdentifierByte(next) || next == UInt8(ascii: ".") {
                    index += 1
                } else if next == UInt8(ascii: "+") || next == UInt8(ascii: "-"),
                    [UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "p"), UInt8(ascii: "P")]
                        .contains(bytes[index - 1])
                {
                    index += 1
                } else {
                    break
                }
            }
            tokens.append(Token(kind: .number(text(start..<index)), position: position))
        } else if isIdentifierStart(byte) {
            let start = index
            while index < bytes.endIndex && isIdentifierByte(bytes[index]) { index += 1 }
            tokens.append(Token(kind: .identifier(text(start..<index)), position: position))
        } else if let (punctuator, length) = punctuator(at: index, in: bytes) {
            tokens.append(Token(kind: .punctuator(punctuator), position: position))
            index += length
        } else {
            // One character, with its UTF-8 continuation bytes.
            let start = index
            index += 1
            while index < bytes.endIndex && bytes[index] & 0xC0 == 0x80 { index += 1 }
            tokens.append(Token(kind: .other(text(start..<index)), position: position))
        }
    }
    return tokens
}

private func punctuator(at index: Int, in bytes: ArraySlice<UInt8>) -> (Punctuator, Int)? {
    if index + 1 < bytes.endIndex {
        let pair = String(decoding: bytes[index...index + 1], as: UTF8.self)
        if let punctuator = Punctuator(rawValue: pair) { return (punctuator, 2) }
    }
    let single = String(decoding: bytes[index...index], as: UTF8.self)
    return Punctuator(rawValue: single).map { ($0, 1) }
}

func isHorizontalSpace(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == 0x0B || byte == 0x0C
}

func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

func isIdentifierStart(_ byte: UInt8) -> Bool {
    (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_")
}

func isIdentifierByte(_ byte: UInt8) -> Bool { isIdentifierStart(byte) || isDigit(byte) }

extension String {
    /// The text with control characters written as `\u{…}` escapes, so that a message stays on one line and
    /// cannot drive the terminal.
    var printable: String {
        var result = ""
        for scalar in unicodeScalars {
            let isControl = (scalar.value < 0x20 && scalar != "\t") || (0x7F...0x9F).contains(scalar.value)
            if isControl || scalar == "\u{2028}" || scalar == "\u{2029}" {
                result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
