// Translation phases 2 and 3 of C (C11 §5.1.1.2), enough for a configuration header: splice `\`-newlines,
// replace comments by a space, and cut the result into logical lines. Every byte keeps its original position.

/// One logical line: what the preprocessor sees as a line after splicing and comment removal.
struct LogicalLine {
    var bytes: [UInt8] = []
    var positions: [SourcePosition] = []
}

struct HeaderText {
    var lines: [LogicalLine] = []
    /// Where a `/*` without its `*/` starts, if there is one.
    var unterminatedComment: SourcePosition?

    init(_ text: [UInt8]) {
        let (bytes, positions) = Self.splice(text)
        split(bytes, positions)
    }

    /// Removes backslash-newline pairs (also with spaces between them, as GCC allows) and normalises CR LF and
    /// lone CR to LF.
    private static func splice(_ text: [UInt8]) -> ([UInt8], [SourcePosition]) {
        var bytes: [UInt8] = []
        var positions: [SourcePosition] = []
        bytes.reserveCapacity(text.count)
        positions.reserveCapacity(text.count)
        var line = 1
        var column = 1
        var index = 0
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: "\\") {
                var next = index + 1
                while next < text.count && (text[next] == UInt8(ascii: " ") || text[next] == UInt8(ascii: "\t")) {
                    next += 1
                }
                if next < text.count && (text[next] == UInt8(ascii: "\n") || text[next] == UInt8(ascii: "\r")) {
                    let isCRLF = text[next] == UInt8(ascii: "\r") && next + 1 < text.count
                        && text[next + 1] == UInt8(ascii: "\n")
                    index = next + (isCRLF ? 2 : 1)
                    line += 1
                    column = 1
                    continue
                }
            }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                bytes.append(UInt8(ascii: "\n"))
                positions.append(SourcePosition(line: line, column: column))
                let isCRLF = byte == UInt8(ascii: "\r") && index + 1 < text.count
                    && text[index + 1] == UInt8(ascii: "\n")
                index += isCRLF ? 2 : 1
                line += 1
                column = 1
                continue
            }
            bytes.append(byte)
            positions.append(SourcePosition(line: line, column: column))
            column += 1
            index += 1
        }
        return (bytes, positions)
    }

    /// Replaces each comment by one space (a block comment may join lines, as in C), keeps string and character
    /// literals intact, and splits at the remaining newlines.
    private mutating func split(_ bytes: [UInt8], _ positions: [SourcePosition]) {
        var current = LogicalLine()
        var index = 0
        func append(_ byte: UInt8, _ position: SourcePosition) {
            current.bytes.append(byte)
            current.positions.append(position)
        }
        while index < bytes.count {
            let byte = bytes[index]
            let next: UInt8? = index + 1 < bytes.count ? bytes[index + 1] : nil
            if byte == UInt8(ascii: "\n") {
                lines.append(current)
                current = LogicalLine()
                index += 1
            } else if byte == UInt8(ascii: "/") && next == UInt8(ascii: "/") {
                append(UInt8(ascii: " "), positions[index])
                while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
            } else if byte == UInt8(ascii: "/") && next == UInt8(ascii: "*") {
                let start = positions[index]
                index += 2
                while index + 1 < bytes.count
                    && !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/"))
                {
                    index += 1
                }
                if index + 1 < bytes.count {
                    index += 2
                } else {
                    unterminatedComment = unterminatedComment ?? start
                    index = bytes.count
                }
                append(UInt8(ascii: " "), start)
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                append(byte, positions[index])
                index += 1
                while index < bytes.count && bytes[index] != UInt8(ascii: "\n") {
                    let inner = bytes[index]
                    append(inner, positions[index])
                    index += 1
                    if inner == byte { break }
                    if inner == UInt8(ascii: "\\") && index < bytes.count && bytes[index] != UInt8(ascii: "\n") {
                        append(bytes[index], positions[index])
                        index += 1
                    }
                }
            } else {
                append(byte, positions[index])
                index += 1
            }
        }
        if !current.bytes.isEmpty { lines.append(current) }
    }
}
