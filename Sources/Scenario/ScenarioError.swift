/// A position in a script: 1-based line and column, plus the UTF-8 byte offset.
///
/// Columns count Unicode scalars, so a caret lines up under non-ASCII text; a tab counts as one column (the
/// caret line reproduces the tab, so it still lines up).
public struct ScriptLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    /// Byte offset into the script's UTF-8 text.
    public var offset: Int

    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    public static let start = ScriptLocation(line: 1, column: 1, offset: 0)

    public static func < (lhs: ScriptLocation, rhs: ScriptLocation) -> Bool { lhs.offset < rhs.offset }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}

/// A syntax error in a script: where, what was expected and what was found.
///
/// Renders as one line, `file:line:col: expected …, found …`; `rendered(source:)` adds the offending source
/// line and a caret line under the column.
public struct ScenarioError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var expected: String
    public var found: String

    public init(file: String, line: Int, column: Int, expected: String, found: String) {
        self.file = file
        self.line = line
        self.column = column
        self.expected = expected
        self.found = found
    }

    public init(file: String, at location: ScriptLocation, expected: String, found: String) {
        self.init(file: file, line: location.line, column: location.column, expected: expected, found: found)
    }

    public var description: String { "\(file):\(line):\(column): expected \(expected), found \(found)" }

    /// The text of line `line` of `source` (without its line terminator), or `""` when there is no such line.
    public func sourceLine(in source: String) -> String {
        var current = 1
        for text in source.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == line {
                var result = String(text)
                if result.hasSuffix("\r") { result.removeLast() }
                return result
            }
            current += 1
        }
        return ""
    }

    /// Spaces (and the source line's own tabs) up to the column, then `^`.
    public func caretLine(source: String) -> String {
        var caret = ""
        var column = 1
        for scalar in sourceLine(in: source).unicodeScalars {
            if column >= self.column { break }
            caret.unicodeScalars.append(scalar == "\t" ? "\t" : " ")
            column += 1
        }
        while column < self.column {  // a column past the end of the line (end of line / end of file)
            caret += " "
            column += 1
        }
        return caret + "^"
    }

    /// The message, the source line and the caret line, separated by newlines.
    public func rendered(source: String) -> String {
        description + "\n" + sourceLine(in: source) + "\n" + caretLine(source: source)
    }
}
