// Reading a FreeRTOSIPConfig.h, or a device's dump of its macros, into an IPConfig.
//
// Implementation. The text goes through C's early translation phases (`HeaderText`), then each logical line is
// classified: `#define NAME value`, `#undef NAME`, `#include` (reported once, not followed), other directives
// (skipped: `#if` and friends are not evaluated, so every branch is read), or a dump line `NAME = value`
// (`NAME (note) = value` too). Values are evaluated lazily, as the compiler would at the point of use: a
// setting's value may refer to any macro of the file, defined before or after it, and to the defaults of
// settings the file leaves out — which is how a default such as `ipconfigTCP_MSS = ipconfigNETWORK_MTU - 40`
// follows an overridden MTU. A definition that cannot be evaluated, or whose value FreeRTOS+TCP would reject, is
// skipped as if the line were absent, and reported.

/// A configuration file read into an `IPConfig`, with where each value came from and what was skipped.
public struct IPConfigHeader: Sendable {
    /// The name the file was read under; it prefixes every location.
    public let fileName: String
    /// The effective configuration: the file's values where it has usable ones, the (derived) defaults elsewhere.
    public let config: IPConfig
    /// Everything that was skipped, in file order.
    public let diagnostics: [IPConfigDiagnostic]
    /// Where the value of each setting the file set comes from: the name in the definition that took effect.
    public let sources: [IPConfig.Setting: IPConfigSourceLocation]

    /// Reads `text`. Never fails and never traps, whatever the text.
    public init(parsing text: String, fileName: String) {
        self.fileName = fileName
        var reader = HeaderReader(fileName: fileName)
        reader.read(HeaderText(Array(text.utf8)))
        let environment = MacroEnvironment(definitions: reader.definitions, live: reader.live)
        var config = IPConfig()
        var sources: [IPConfig.Setting: IPConfigSourceLocation] = [:]
        for setting in IPConfig.Setting.allCases {
            let resolved = environment.resolve(setting)
            config.setIntegerValue(resolved.stored, of: setting)
            if let index = resolved.definition {
                sources[setting] = reader.location(reader.definitions[index].namePosition)
            }
        }
        let found = reader.diagnostics + environment.definitionDiagnostics()
        self.config = config
        self.sources = sources
        self.diagnostics = found.enumerated()
            .sorted { ($0.element.position, $0.offset) < ($1.element.position, $1.offset) }
            .map { IPConfigDiagnostic(location: reader.location($0.element.position), kind: $0.element.kind) }
    }

    /// One row per setting, in `IPConfig.Setting` order: the macro, its value with a unit, and `file:line` of the
    /// definition it came from or "default".
    public func table() -> [(name: String, value: String, source: String)] {
        IPConfig.Setting.allCases.map { setting in
            let source = sources[setting].map { "\($0.fileName):\($0.line)" } ?? "default"
            return (setting.macroName, config.formattedValue(of: setting), source)
        }
    }
}

extension IPConfig {
    /// One row per setting, in `Setting` order: the macro, its value with a unit, and where it came from —
    /// `file:line` from `sources`, "default" when the value is the (derived) FreeRTOS+TCP default, or "set" for a
    /// value changed in code.
    public func table(sources: [Setting: IPConfigSourceLocation] = [:])
        -> [(name: String, value: String, source: String)]
    {
        Setting.allCases.map { setting in
            let source: String
            if let location = sources[setting] {
                source = "\(location.fileName):\(location.line)"
            } else {
                source = derivedDefault(of: setting) == integerValue(of: setting) ? "default" : "set"
            }
            return (setting.macroName, formattedValue(of: setting), source)
        }
    }

    /// The value with its unit, e.g. "1460 bytes", "30 s", "1 (enabled)", "portMAX_DELAY (forever)".
    public func formattedValue(of setting: Setting) -> String {
        let value = integerValue(of: setting)
        switch setting.specification.unit {
        case .flag: return value != 0 ? "1 (enabled)" : "0 (disabled)"
        case .bytes: return "\(value) bytes"
        case .count, .hops: return "\(value)"
        case .milliseconds: return "\(value) ms"
        case .seconds: return "\(value) s"
        case .hertz: return "\(value) Hz"
        case .port:
            let hex = String(value, radix: 16, uppercase: true)
            return "\(value) (0x\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex))"
        case .ticks:
            if value == Int64(IPConfig.portMaxDelay) { return "portMAX_DELAY (forever)" }
            let rate = Int64(max(1, tickRateHz))
            let (scaled, overflow) = value.multipliedReportingOverflow(by: 1000)
            guard !overflow else { return "\(value) ticks" }
            let (milliseconds, remainder) = scaled.quotientAndRemainder(dividingBy: rate)
            return "\(value) ticks (\(remainder == 0 ? "" : "~")\(milliseconds) ms)"
        }
    }

    /// What FreeRTOS+TCP's default formula gives for `setting` given this configuration's other values.
    func derivedDefault(of setting: Setting) -> Int64? {
        let config = self
        let lookup: IdentifierLookup = { name, position, _ throws(EvaluationFailure) in
            if let other = Setting(macroName: name) { return .signed(config.integerValue(of: other)) }
            if let constant = freeRTOSConstant(name) { return constant }
            throw EvaluationFailure(error: .unknownIdentifier(name), position: position)
        }
        guard case .success(let value) = ExpressionEvaluator.evaluate(
            setting.defaultTokens, end: SourcePosition(line: 0, column: 0), lookup: lookup)
        else { return nil }
        if setting.specification.range.isTicks && value.bits == UInt64.max { return Int64(IPConfig.portMaxDelay) }
        return value.int64
    }
}

extension IPConfig.Setting {
    /// The default formula, tokenised.
    var defaultTokens: [Token] {
        let bytes = Array(specification.defaultExpression.utf8)
        let position = SourcePosition(line: 0, column: 0)
        return tokenize(bytes[...], positions: Array(repeating: position, count: bytes.count)[...])
    }
}

extension ValueRange {
    var isTicks: Bool { if case .ticks = self { true } else { false } }
}

/// Names from FreeRTOS headers that a configuration may use without defining them.
func freeRTOSConstant(_ name: String) -> CInteger? {
    switch name {
    // portmacro.h on a 32-bit port: ( TickType_t ) 0xffffffffUL.
    case "portMAX_DELAY": .unsigned(0xFFFF_FFFF)
    // projdefs.h: ( ( BaseType_t ) 1 ) and ( ( BaseType_t ) 0 ).
    case "pdTRUE", "pdPASS": .signed(1)
    case "pdFALSE", "pdFAIL": .signed(0)
    // FreeRTOSIPConfigDefaults.h.
    case "ipconfigENABLE": .signed(1)
    case "ipconfigDISABLE": .signed(0)
    case "pdFREERTOS_LITTLE_ENDIAN": .signed(0)
    case "pdFREERTOS_BIG_ENDIAN": .signed(1)
    // stdint.h on a 32-bit target.
    case "UINT8_MAX": .signed(0xFF)
    case "UINT16_MAX": .signed(0xFFFF)
    case "UINT32_MAX", "SIZE_MAX": .unsigned(0xFFFF_FFFF)
    case "INT32_MAX": .signed(Int64(Int32.max))
    default: nil
    }
}

// MARK: - Lines

/// A macro definition as written, not yet evaluated.
struct Definition {
    var name: String
    var namePosition: SourcePosition
    var tokens: [Token]
    /// The first token of the value, or `end` when it is empty.
    var valueStart: SourcePosition
    /// Just after the last character of the value (or of the name): where "end of line" is reported.
    var end: SourcePosition
    var isFunctionLike: Bool
    /// From a `NAME = value` dump line rather than a `#define`.
    var isDump: Bool
}

/// Classifies logical lines into definitions and line-level diagnostics.
private struct HeaderReader {
    let fileName: String
    var definitions: [Definition] = []
    /// For each name, its object-like definitions since the last `#undef`, in file order.
    var live: [String: [Int]] = [:]
    var diagnostics: [(position: SourcePosition, kind: IPConfigDiagnostic.Kind)] = []
    private var reportedInclude = false

    init(fileName: String) { self.fileName = fileName }

    func location(_ position: SourcePosition) -> IPConfigSourceLocation {
        IPConfigSourceLocation(fileName: fileName, line: position.line, column: position.column)
    }

    mutating func read(_ text: HeaderText) {
        for line in text.lines { read(line) }
        if let start = text.unterminatedComment { diagnostics.append((start, .unterminatedComment)) }
    }

    private mutating func read(_ line: LogicalLine) {
        var cursor = Cursor(line: line)
        cursor.skipSpaces()
        guard let first = cursor.peek else { return }
        if first == UInt8(ascii: "#") {
            let hash = cursor.position
            cursor.advance()
            cursor.skipSpaces()
            let directive = cursor.identifier() ?? ""
            switch directive {
            case "define": readDefine(&cursor)
            case "undef": readUndef(&cursor)
            case "include" where !reportedInclude:
                reportedInclude = true
                cursor.skipSpaces()
                let path = cursor.rest.trimmingTrailingSpaces.printable
                diagnostics.append((hash, .includeNotFollowed(path: path.isEmpty ? "(nothing)" : path)))
            default: break  // #if, #ifdef, #ifndef, #else, #elif, #endif, #pragma, #error, a repeated #include…
            }
            return
        }
        readDumpLine(&cursor)
    }

    private mutating func readDefine(_ cursor: inout Cursor) {
        cursor.skipSpaces()
        let namePosition = cursor.position
        guard let name = cursor.identifier() else {
            diagnostics.append((namePosition, .missingMacroName(directive: "define", found: cursor.nextToken)))
            return
        }
        // C11 §6.10.3: a '(' directly after the name makes a function-like macro.
        let isFunctionLike = cursor.peek == UInt8(ascii: "(")
        addDefinition(name: name, at: namePosition, value: cursor, isFunctionLike: isFunctionLike, isDump: false)
    }

    private mutating func readUndef(_ cursor: inout Cursor) {
        cursor.skipSpaces()
        let position = cursor.position
        guard let name = cursor.identifier() else {
            diagnostics.append((position, .missingMacroName(directive: "undef", found: cursor.nextToken)))
            return
        }
        live[name] = nil
    }

    /// `NAME = value`, or `NAME (note) = value` as in `ipconfigTCP_MSS (value) = 1460`.
    private mutating func readDumpLine(_ cursor: inout Cursor) {
        let start = cursor
        let namePosition = cursor.position
        if let name = cursor.identifier() {
            cursor.skipSpaces()
            if cursor.peek == UInt8(ascii: "(") { cursor.skipBalancedParentheses() }
            cursor.skipSpaces()
            if cursor.peek == UInt8(ascii: "="), cursor.peek(offset: 1) != UInt8(ascii: "=") {
                cursor.advance()
                addDefinition(name: name, at: namePosition, value: cursor, isFunctionLike: false, isDump: true)
                return
            }
        }
        diagnostics.append((namePosition, .notADefinition(found: start.rest.trimmingTrailingSpaces.abbreviated)))
    }

    private mutating func addDefinition(
        name: String, at namePosition: SourcePosition, value cursor: Cursor, isFunctionLike: Bool, isDump: Bool
    ) {
        let bytes = cursor.line.bytes[cursor.index...]
        let positions = cursor.line.positions[cursor.index...]
        let tokens = tokenize(bytes, positions: positions)
        let lastNonSpace = bytes.indices.last { !isHorizontalSpace(bytes[$0]) }
        let end = lastNonSpace.map { SourcePosition(line: positions[$0].line, column: positions[$0].column + 1) }
            ?? SourcePosition(line: namePosition.line, column: namePosition.column + name.utf8.count)
        definitions.append(Definition(
            name: name, namePosition: namePosition, tokens: tokens, valueStart: tokens.first?.position ?? end,
            end: end, isFunctionLike: isFunctionLike, isDump: isDump))
        if !isFunctionLike { live[name, default: []].append(definitions.count - 1) }
    }
}

/// A read position in a logical line.
private struct Cursor {
    let line: LogicalLine
    var index = 0

    init(line: LogicalLine) { self.line = line }

    var peek: UInt8? { index < line.bytes.count ? line.bytes[index] : nil }
    func peek(offset: Int) -> UInt8? { index + offset < line.bytes.count ? line.bytes[index + offset] : nil }

    /// Where the next byte is, or just after the last one.
    var position: SourcePosition {
        if index < line.positions.count { return line.positions[index] }
        guard let last = line.positions.last else { return SourcePosition(line: 1, column: 1) }
        return SourcePosition(line: last.line, column: last.column + 1)
    }

    var rest: String { String(decoding: line.bytes[min(index, line.bytes.count)...], as: UTF8.self) }

    /// The next token, quoted, for "found …" in a message.
    var nextToken: String {
        let start = min(index, line.bytes.count)
        let tokens = tokenize(line.bytes[start...], positions: line.positions[start...])
        return tokens.first?.quoted ?? "end of line"
    }

    mutating func advance() { index += 1 }

    mutating func skipSpaces() {
        while let byte = peek, isHorizontalSpace(byte) { index += 1 }
    }

    mutating func identifier() -> String? {
        guard let first = peek, isIdentifierStart(first) else { return nil }
        let start = index
        while let byte = peek, isIdentifierByte(byte) { index += 1 }
        return String(decoding: line.bytes[start..<index], as: UTF8.self)
    }

    /// Skips `( … )` with nesting; stops at the end of the line if it is unbalanced.
    mutating func skipBalancedParentheses() {
        var depth = 0
        while let byte = peek {
            index += 1
            if byte == UInt8(ascii: "(") { depth += 1 }
            if byte == UInt8(ascii: ")") {
                depth -= 1
                if depth == 0 { return }
            }
        }
    }
}

extension String {
    fileprivate var trimmingTrailingSpaces: String {
        var scalars = Substring(self)
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }

    /// At most 40 characters, with "…" when cut.
    fileprivate var abbreviated: String { (count > 40 ? String(prefix(40)) + "…" : self).printable }
}
