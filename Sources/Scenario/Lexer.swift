/// What a token is. The token's source text is in `Token.text`.
public enum TokenKind: Hashable, Sendable {
    /// Letters, digits and `_`, starting with a letter or `_`: `socket`, `S`, `FREERTOS_SO_REUSE_LISTEN_SOCKET`.
    case identifier
    /// Starts with a digit (or `.` then a digit) and runs over letters, digits, `_` and `.`-digit groups:
    /// `0`, `0.1`, `0x1F`, `192.0.2.1`. The parser decides what the text means (and rejects `10ms`).
    case number
    /// A `"…"` literal, with its escapes decoded to bytes.
    case string([UInt8])
    /// `...`
    case ellipsis
    /// A `%{ … }%` block; the payload is the raw text between the braces.
    case block(String)
    /// Any other single character: `< > ( ) [ ] { } , : = + - * ~ . |` and anything unexpected.
    case punctuation
    /// The end of a line (newlines end statements).
    case newline
    /// The end of the script.
    case end
}

/// One token with its exact source span.
public struct Token: Hashable, Sendable {
    public var kind: TokenKind
    /// The exact source text (for a string, including its quotes).
    public var text: String
    public var location: ScriptLocation
    /// Byte offset just past the token.
    public var endOffset: Int

    public func isPunctuation(_ character: String) -> Bool { kind == .punctuation && text == character }
    public func isIdentifier(_ name: String) -> Bool { kind == .identifier && text == name }
    public var isEndOfStatement: Bool { kind == .newline || kind == .end }
}

/// Turns script text into tokens on demand.
///
/// Skips spaces, tabs, carriage returns, `// …` and `/* … */` comments. Unterminated comments, strings and
/// `%{` blocks are errors reported at their start. Besides `next()`, the parser can read an option line as
/// whitespace-separated words and a parenthesised comment as raw text.
public struct Lexer: Sendable {
    public let file: String
    let bytes: [UInt8]
    var offset = 0
    var line = 1
    var column = 1

    public init(source: String, file: String) {
        self.file = file
        self.bytes = Array(source.utf8)
    }

    public var location: ScriptLocation { ScriptLocation(line: line, column: column, offset: offset) }

    /// Moves back (or forward) to a location previously returned by this lexer.
    public mutating func reset(to location: ScriptLocation) {
        offset = max(0, min(bytes.count, location.offset))
        line = location.line
        column = location.column
    }

    // MARK: Bytes

    func byte(at index: Int) -> UInt8? { index >= 0 && index < bytes.count ? bytes[index] : nil }
    var currentByte: UInt8? { byte(at: offset) }

    mutating func advance() {
        guard offset < bytes.count else { return }
        let b = bytes[offset]
        offset += 1
        if b == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if b & 0xC0 != 0x80 {
            column += 1
        }
    }

    /// Advances over one whole Unicode scalar (lead byte plus continuation bytes).
    mutating func advanceScalar() {
        advance()
        while let b = currentByte, b & 0xC0 == 0x80 { advance() }
    }

    func text(_ start: Int, _ end: Int) -> String {
        let lower = max(0, min(start, bytes.count))
        let upper = max(lower, min(end, bytes.count))
        return String(decoding: bytes[lower..<upper], as: UTF8.self)
    }

    func error(at location: ScriptLocation, expected: String, found: String) -> ScenarioError {
        ScenarioError(file: file, at: location, expected: expected, found: found)
    }

    static func isLetter(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || b == UInt8(ascii: "_")
    }
    static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
    static func isSpace(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r") || b == 0x0B || b == 0x0C
    }

    // MARK: Tokens

    /// Skips blanks and comments (not newlines).
    mutating func skipTrivia() throws(ScenarioError) {
        while let b = currentByte {
            if Lexer.isSpace(b) {
                advance()
            } else if b == UInt8(ascii: "/"), byte(at: offset + 1) == UInt8(ascii: "/") {
                while let c = currentByte, c != UInt8(ascii: "\n") { advance() }
            } else if b == UInt8(ascii: "/"), byte(at: offset + 1) == UInt8(ascii: "*") {
                let start = location
                advance()
                advance()
                while true {
                    guard let c = currentByte else {
                        throw error(at: start, expected: "'*/' to close the comment opened here", found: "end of file")
                    }
                    if c == UInt8(ascii: "*"), byte(at: offset + 1) == UInt8(ascii: "/") {
                        advance()
                        advance()
                        break
                    }
                    advance()
                }
            } else {
                return
            }
        }
    }

    public mutating func next() throws(ScenarioError) -> Token {
        try skipTrivia()
        let start = location
        func token(_ kind: TokenKind) -> Token {
            Token(kind: kind, text: text(start.offset, offset), location: start, endOffset: offset)
        }
        guard let b = currentByte else { return token(.end) }
        if b == UInt8(ascii: "\n") {
            advance()
            return token(.newline)
        }
        if b == UInt8(ascii: "\"") { return try string(from: start) }
        if b == UInt8(ascii: "%"), byte(at: offset + 1) == UInt8(ascii: "{") {
            advance()
            advance()
            let textStart = offset
            while true {
                guard let c = currentByte else {
                    throw error(at: start, expected: "'}%' to close the '%{' block opened here", found: "end of file")
                }
                if c == UInt8(ascii: "}"), byte(at: offset + 1) == UInt8(ascii: "%") {
                    let inner = text(textStart, offset)
                    advance()
                    advance()
                    return token(.block(inner))
                }
                advance()
            }
        }
        let dot = UInt8(ascii: ".")
        if b == dot, byte(at: offset + 1) == dot, byte(at: offset + 2) == dot {
            advance()
            advance()
            advance()
            return token(.ellipsis)
        }
        if Lexer.isDigit(b) || (b == UInt8(ascii: ".") && byte(at: offset + 1).map(Lexer.isDigit) == true) {
            advance()
            while let c = currentByte {
                if Lexer.isLetter(c) || Lexer.isDigit(c) {
                    advance()
                } else if c == UInt8(ascii: "."), let d = byte(at: offset + 1), Lexer.isDigit(d) {
                    advance()
                } else {
                    break
                }
            }
            return token(.number)
        }
        if Lexer.isLetter(b) {
            while let c = currentByte, Lexer.isLetter(c) || Lexer.isDigit(c) { advance() }
            return token(.identifier)
        }
        advanceScalar()
        return token(.punctuation)
    }

    mutating func string(from start: ScriptLocation) throws(ScenarioError) -> Token {
        advance()  // opening quote
        var value: [UInt8] = []
        while true {
            guard let c = currentByte, c != UInt8(ascii: "\n") else {
                throw error(
                    at: start, expected: "'\"' to close the string opened here",
                    found: currentByte == nil ? "end of file" : "end of line")
            }
            if c == UInt8(ascii: "\"") {
                advance()
                return Token(kind: .string(value), text: text(start.offset, offset), location: start, endOffset: offset)
            }
            if c != UInt8(ascii: "\\") {
                value.append(c)
                advance()
                continue
            }
            let escape = location
            advance()
            let expected = "an escape (\\n, \\r, \\t, \\0, \\\\, \\\" or \\xHH)"
            guard let e = currentByte, e != UInt8(ascii: "\n") else {
                throw error(at: escape, expected: expected, found: currentByte == nil ? "end of file" : "end of line")
            }
            switch e {
            case UInt8(ascii: "n"): value.append(0x0A)
            case UInt8(ascii: "r"): value.append(0x0D)
            case UInt8(ascii: "t"): value.append(0x09)
            case UInt8(ascii: "0"): value.append(0)
            case UInt8(ascii: "\\"): value.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "\""): value.append(UInt8(ascii: "\""))
            case UInt8(ascii: "x"):
                if let h = byte(at: offset + 1).flatMap(Lexer.hexValue),
                    let l = byte(at: offset + 2).flatMap(Lexer.hexValue)
                {
                    value.append(h << 4 | l)
                    advance()
                    advance()
                } else {
                    let end = min(offset + 3, bytes.count)
                    throw error(at: escape, expected: expected, found: "'\\\(text(offset, end))'")
                }
            default:
                let before = offset
                var probe = self
                probe.advanceScalar()
                throw error(at: escape, expected: expected, found: "'\\\(text(before, probe.offset))'")
            }
            advance()
        }
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    // MARK: Raw modes

    /// One whitespace-separated word of an option line.
    public struct Word: Hashable, Sendable {
        public var text: String
        public var location: ScriptLocation
    }

    /// Reads whitespace-separated words up to the end of the line (not consuming the newline) or up to a
    /// comment that starts a word.
    public mutating func optionWords() -> [Word] {
        var words: [Word] = []
        while true {
            while let b = currentByte, Lexer.isSpace(b) { advance() }
            guard let b = currentByte, b != UInt8(ascii: "\n") else { return words }
            if b == UInt8(ascii: "/"), let n = byte(at: offset + 1), n == UInt8(ascii: "/") || n == UInt8(ascii: "*") {
                return words
            }
            let start = location
            while let c = currentByte, c != UInt8(ascii: "\n"), !Lexer.isSpace(c) { advance() }
            words.append(Word(text: text(start.offset, offset), location: start))
        }
    }

    /// With the lexer at `(`, reads raw text up to the matching `)` on the same line and moves past it.
    /// Returns nil (the lexer then stands at the end of the line) when the line ends first.
    public mutating func parenthesizedText() -> String? {
        guard currentByte == UInt8(ascii: "(") else { return nil }
        advance()
        let start = offset
        var depth = 1
        while let c = currentByte, c != UInt8(ascii: "\n") {
            if c == UInt8(ascii: "(") { depth += 1 }
            if c == UInt8(ascii: ")") {
                depth -= 1
                if depth == 0 {
                    let inner = text(start, offset)
                    advance()
                    return inner
                }
            }
            advance()
        }
        return nil
    }
}
