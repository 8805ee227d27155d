import SimClock
import TCPWire

extension Script {
    /// Parses a whole script. `file` names the script in error messages.
    public static func parse(_ source: String, file: String = "<script>") throws(ScenarioError) -> Script {
        var parser = try ScenarioParser(source: source, file: file)
        return try parser.parseScript()
    }
}

/// A recursive-descent parser over `Lexer`, with one token of lookahead (`current`).
///
/// Statements are lines: option lines first (`--name=value`, `-D NAME=value`), then steps
/// `time body`, where body is `< packet`, `> packet`, `call(args) = result` or `%{ … }%`.
public struct ScenarioParser: Sendable {
    var lexer: Lexer
    var current: Token
    public let file: String

    public init(source: String, file: String) throws(ScenarioError) {
        self.file = file
        lexer = Lexer(source: source, file: file)
        current = try lexer.next()
    }

    // MARK: Helpers

    mutating func advance() throws(ScenarioError) { current = try lexer.next() }

    static func describe(_ token: Token) -> String {
        switch token.kind {
        case .end: return "end of file"
        case .newline: return "end of line"
        case .string: return "string " + shortened(token.text)
        case .block: return "a '%{ … }%' block"
        default: return "'" + shortened(token.text) + "'"
        }
    }

    static func shortened(_ text: String) -> String {
        guard text.unicodeScalars.count > 40 else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.prefix(40))) + "…"
    }

    func error(_ expected: String, at token: Token? = nil, found: String? = nil) -> ScenarioError {
        let token = token ?? current
        return ScenarioError(file: file, at: token.location, expected: expected, found: found ?? Self.describe(token))
    }

    func error(_ expected: String, at location: ScriptLocation, found: String) -> ScenarioError {
        ScenarioError(file: file, at: location, expected: expected, found: found)
    }

    mutating func expectPunctuation(_ p: String, _ expected: String) throws(ScenarioError) {
        guard current.isPunctuation(p) else { throw error(expected) }
        try advance()
    }

    /// A number token as an unsigned value no larger than `limit` (decimal or `0x` hex).
    mutating func unsigned(_ expected: String, max limit: UInt64) throws(ScenarioError) -> UInt64 {
        guard current.kind == .number, let value = Self.integer(current.text), value <= limit else {
            throw error(expected)
        }
        try advance()
        return value
    }

    static func integer(_ text: String) -> UInt64? {
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            let digits = text.dropFirst(2)
            return digits.isEmpty ? nil : UInt64(digits, radix: 16)
        }
        guard !text.isEmpty, text.utf8.allSatisfy({ Lexer.isDigit($0) }) else { return nil }
        return UInt64(text)
    }

    /// Decimal seconds (`30`, `0.1`, `.25`) to a duration, exactly; nil when malformed or out of range.
    static func seconds(_ text: String) -> SimDuration? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        let whole = parts[0]
        let fraction = parts.count == 2 ? parts[1] : ""
        guard parts.count == 1 || !fraction.isEmpty, fraction.utf8.count <= 9,
            whole.utf8.allSatisfy({ Lexer.isDigit($0) }), fraction.utf8.allSatisfy({ Lexer.isDigit($0) }),
            !(whole.isEmpty && fraction.isEmpty)
        else { return nil }
        let wholeValue = whole.isEmpty ? 0 : Int64(whole)
        guard let wholeValue else { return nil }
        var fractionValue: Int64 = 0
        for digit in fraction.utf8 { fractionValue = fractionValue * 10 + Int64(digit - UInt8(ascii: "0")) }
        for _ in fraction.utf8.count..<9 { fractionValue *= 10 }
        let (scaled, overflow) = wholeValue.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, overflow2) = scaled.addingReportingOverflow(fractionValue)
        guard !overflow, !overflow2 else { return nil }
        return SimDuration(nanoseconds: total)
    }

    // MARK: Script

    public mutating func parseScript() throws(ScenarioError) -> Script {
        var script = Script()
        while true {
            switch current.kind {
            case .end:
                return script
            case .newline:
                try advance()
            case .punctuation where current.text == "-":
                try parseOptionLine(into: &script)
            default:
                script.steps.append(try parseStep())
            }
        }
    }

    static let optionNames = ["personality", "config", "tolerance_usecs", "seed", "device_app", "peer_app"]
    static let optionsExpected =
        "an option (--personality, --config, --tolerance_usecs, --seed, --device_app, --peer_app or -D NAME=value)"

    mutating func parseOptionLine(into script: inout Script) throws(ScenarioError) {
        lexer.reset(to: current.location)
        let words = lexer.optionWords()
        if !script.steps.isEmpty, let first = words.first {
            throw error(
                "options before the first event", at: first.location, found: "'\(Self.shortened(first.text))'")
        }
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            let text = word.text
            if text.hasPrefix("--") {
                try parseLongOption(word, into: &script)
            } else if text == "-D" {
                guard index < words.count else {
                    let end = lexer.location
                    throw error("NAME=value after '-D'", at: end, found: "end of line")
                }
                try parseDefine(words[index], skipping: 0, into: &script)
                index += 1
            } else if text.hasPrefix("-D") {
                try parseDefine(word, skipping: 2, into: &script)
            } else {
                throw error(Self.optionsExpected, at: word.location, found: "'\(Self.shortened(text))'")
            }
        }
        try advance()
    }

    /// The location `scalars` Unicode scalars after `location` on the same line.
    static func moved(_ location: ScriptLocation, by text: Substring) -> ScriptLocation {
        ScriptLocation(
            line: location.line, column: location.column + text.unicodeScalars.count,
            offset: location.offset + text.utf8.count)
    }

    mutating func parseLongOption(_ word: Lexer.Word, into script: inout Script) throws(ScenarioError) {
        let body = word.text.dropFirst(2)
        let name: Substring
        let value: Substring?
        if let equals = body.firstIndex(of: "=") {
            name = body[..<equals]
            value = body[body.index(after: equals)...]
        } else {
            name = body
            value = nil
        }
        guard Self.optionNames.contains(String(name)) else {
            var found = "'\(Self.shortened(word.text))'"
            if let guess = Self.suggestion(for: String(name), among: Self.optionNames) {
                found += " (did you mean --\(guess)?)"
            }
            throw error(Self.optionsExpected, at: word.location, found: found)
        }
        let valueLocation = Self.moved(word.location, by: word.text.prefix(2 + name.count + 1))
        guard let value, !value.isEmpty else {
            let example = name == "personality" ? "freertos|rfc" : name == "config" ? "FILE"
                : name == "device_app" || name == "peer_app" ? "NAME[:ARGUMENTS]" : "N"
            throw error("'--\(name)=\(example)'", at: word.location, found: "'\(Self.shortened(word.text))'")
        }
        let found = "'\(Self.shortened(String(value)))'"
        switch name {
        case "personality":
            guard let personality = Personality(rawValue: String(value)) else {
                throw error("'freertos' or 'rfc'", at: valueLocation, found: found)
            }
            script.options.append(.personality(personality))
        case "config":
            script.options.append(.config(String(value)))
        case "device_app":
            script.options.append(.deviceApp(String(value)))
        case "peer_app":
            script.options.append(.peerApp(String(value)))
        case "tolerance_usecs":
            guard let n = Self.integer(String(value)), n <= UInt64(Int64.max) else {
                throw error("a number of microseconds", at: valueLocation, found: found)
            }
            script.options.append(.toleranceMicroseconds(Int64(n)))
        default:  // seed
            guard let n = Self.integer(String(value)) else {
                throw error("a seed (a number from 0 to 2^64-1)", at: valueLocation, found: found)
            }
            script.options.append(.seed(n))
        }
    }

    mutating func parseDefine(_ word: Lexer.Word, skipping: Int, into script: inout Script) throws(ScenarioError) {
        let body = word.text.dropFirst(skipping)
        let location = Self.moved(word.location, by: word.text.prefix(skipping))
        guard let equals = body.firstIndex(of: "=") else {
            throw error("NAME=value after '-D'", at: location, found: "'\(Self.shortened(String(body)))'")
        }
        let name = body[..<equals]
        guard let first = name.utf8.first, Lexer.isLetter(first),
            name.utf8.allSatisfy({ Lexer.isLetter($0) || Lexer.isDigit($0) })
        else {
            let found = "'\(Self.shortened(String(name)))'"
            throw error("a define name (letters, digits and _)", at: location, found: found)
        }
        script.defines[String(name)] = String(body[body.index(after: equals)...])
    }

    // MARK: Steps

    mutating func parseStep() throws(ScenarioError) -> Step {
        let start = current
        let time = try parseTime()
        let body = current
        let kind: StepKind
        if case .blocking = time, body.kind != .identifier {
            throw error("a system call after the blocking time '\(Self.shortened(Self.printed(time)))'")
        }
        switch body.kind {
        case .punctuation where body.text == "<":
            try advance()
            kind = .inbound(try parsePacket())
        case .punctuation where body.text == ">":
            try advance()
            kind = .outbound(try parsePacket())
        case .identifier:
            kind = .call(try parseCall())
        case .block(let text):
            try advance()
            kind = .assertion(text)
        default:
            throw error("'<', '>', a system call or '%{ … }%' after the event time")
        }
        guard current.isEndOfStatement else { throw error("end of line") }
        return Step(location: start.location, time: time, kind: kind, bodyLocation: body.location)
    }

    static let timeExpected = "an event time (such as 0, +0.1, 1~2, 0...0.5 or *)"

    mutating func parseTime() throws(ScenarioError) -> EventTime {
        if current.isPunctuation("*") {
            try advance()
            return .any
        }
        let first = try parseTimeOffset(Self.timeExpected)
        if current.isPunctuation("~") {
            try advance()
            let upperToken = current
            let second = try parseTimeOffset("an upper time bound after '~'")
            try checkOrder(first, second, at: upperToken, "an upper bound")
            return .range(first, second)
        }
        if current.kind == .ellipsis {
            try advance()
            let endToken = current
            let second = try parseTimeOffset("an end time after '...'")
            try checkOrder(first, second, at: endToken, "an end time")
            return .blocking(start: first, end: second)
        }
        return first.isRelative ? .relative(first.duration) : .absolute(first.duration)
    }

    /// Two times of the same kind (both absolute or both relative) must not run backwards.
    func checkOrder(_ first: TimeOffset, _ second: TimeOffset, at token: Token, _ what: String) throws(ScenarioError) {
        if first.isRelative == second.isRelative, second.duration < first.duration {
            throw error("\(what) of at least \(Self.printed(first))", at: token, found: "'\(Self.printed(second))'")
        }
    }

    mutating func parseTimeOffset(_ expected: String) throws(ScenarioError) -> TimeOffset {
        var relative = false
        if current.isPunctuation("+") {
            relative = true
            try advance()
        }
        guard current.kind == .number else { throw error(expected) }
        guard let duration = Self.seconds(current.text) else {
            throw error("a time in seconds with at most 9 decimals (such as 0.1)")
        }
        try advance()
        return TimeOffset(duration, relative: relative)
    }

    // MARK: Packets

    static let flagLetters: [Character: TCPFlags] = [
        "S": .syn, "F": .fin, "R": .rst, "P": .psh, "U": .urg, "E": .ece, "W": .cwr,
    ]
    static let flagsExpected = "TCP flags (such as S, S., ., F., P., R. or -)"

    mutating func parsePacket() throws(ScenarioError) -> PacketSpec {
        let flags = try parseFlags()
        let sequence = try parseSequence()
        var packet = PacketSpec(flags: flags, sequence: sequence)
        if case .string(let bytes) = current.kind {
            guard UInt64(bytes.count) == UInt64(sequence.length) else {
                throw error(
                    "a payload of \(sequence.length) bytes to match (\(sequence.length))",
                    found: "\(bytes.count) bytes")
            }
            packet.payload = bytes
            try advance()
        }
        var endpoint = EndpointSelector()
        var seen: Set<String> = []
        while !current.isEndOfStatement {
            let clause = current
            let name = clause.isPunctuation("<") ? "<options>" : clause.text
            let all = ["ack", "win", "<options>", "port", "addr"]
            guard all.contains(name), clause.kind == .identifier || clause.kind == .punctuation else {
                let remaining = all.filter { !seen.contains($0) }.map { "'\($0)'" }
                throw error(remaining.joined(separator: ", ") + " or end of line")
            }
            guard !seen.contains(name) else {
                throw error("at most one '\(name)' clause", found: "another '\(name)'")
            }
            seen.insert(name)
            try advance()
            switch name {
            case "ack":
                let ack = try unsigned("an acknowledgment number (0 to 4294967295)", max: UInt64(UInt32.max))
                packet.ack = SeqNumber(UInt32(ack))
            case "win":
                packet.window = UInt16(try unsigned("a window (0 to 65535)", max: UInt64(UInt16.max)))
            case "port":
                endpoint.port = UInt16(try unsigned("a port (0 to 65535)", max: UInt64(UInt16.max)))
            case "addr":
                guard current.kind == .number, let address = IPv4Address(current.text) else {
                    throw error("an IPv4 address (such as 192.0.2.2)")
                }
                endpoint.address = address
                try advance()
            default:
                packet.options = try parseOptions()
            }
        }
        if endpoint != EndpointSelector() { packet.endpoint = endpoint }
        return packet
    }

    mutating func parseFlags() throws(ScenarioError) -> TCPFlags {
        if current.isPunctuation(".") {
            try advance()
            return .ack
        }
        if current.isPunctuation("-") {
            try advance()
            return []
        }
        guard current.kind == .identifier else { throw error(Self.flagsExpected) }
        var flags: TCPFlags = []
        for letter in current.text {
            guard let flag = Self.flagLetters[letter], !flags.contains(flag) else { throw error(Self.flagsExpected) }
            flags.insert(flag)
        }
        let end = current.endOffset
        try advance()
        if current.isPunctuation("."), current.location.offset == end {
            flags.insert(.ack)
            try advance()
        }
        return flags
    }

    mutating func parseSequence() throws(ScenarioError) -> SequenceRange {
        let expected = "a sequence range start:end(length)"
        let max = UInt64(UInt32.max)
        let start = UInt32(try unsigned(expected, max: max))
        try expectPunctuation(":", "':' in the sequence range start:end(length)")
        let end = UInt32(try unsigned("the end of the sequence range start:end(length)", max: max))
        try expectPunctuation("(", "'(' and the length in start:end(length)")
        let lengthToken = current
        let length = UInt32(try unsigned("the length in start:end(length)", max: max))
        let implied = end &- start
        guard implied == length else {
            throw error("length \(implied) to match \(start):\(end)", at: lengthToken)
        }
        try expectPunctuation(")", "')' after the length in start:end(length)")
        return SequenceRange(start: SeqNumber(start), length: length)
    }

    static let optionExpected = "a TCP option (mss, sackOK, nop, wscale, TS, sack, eol or ...)"

    mutating func parseOptions() throws(ScenarioError) -> OptionsSpec {
        var options: [TCPOption] = []
        if current.isPunctuation(">") {
            try advance()
            return .exactly([])
        }
        while true {
            if current.kind == .ellipsis {
                try advance()
                try expectPunctuation(">", "'>' after '...' (it must be the last option)")
                return options.isEmpty ? .any : .startingWith(options)
            }
            options.append(try parseOption())
            if current.isPunctuation(">") {
                try advance()
                return .exactly(options)
            }
            try expectPunctuation(",", "',' or '>' after a TCP option")
        }
    }

    mutating func parseOption() throws(ScenarioError) -> TCPOption {
        guard current.kind == .identifier else { throw error(Self.optionExpected) }
        let name = current
        try advance()
        switch name.text {
        case "mss":
            return .maximumSegmentSize(UInt16(try unsigned("an MSS (0 to 65535)", max: UInt64(UInt16.max))))
        case "wscale":
            return .windowScale(UInt8(try unsigned("a window-scale shift (0 to 255)", max: UInt64(UInt8.max))))
        case "sackOK":
            return .sackPermitted
        case "nop":
            return .noOperation
        case "eol":
            return .endOfList
        case "TS":
            guard current.isIdentifier("val") else { throw error("'val' after 'TS'") }
            try advance()
            let value = UInt32(try unsigned("a timestamp value (0 to 4294967295)", max: UInt64(UInt32.max)))
            guard current.isIdentifier("ecr") else { throw error("'ecr' after the timestamp value") }
            try advance()
            let echo = UInt32(try unsigned("a timestamp echo reply (0 to 4294967295)", max: UInt64(UInt32.max)))
            return .timestamps(value: value, echoReply: echo)
        case "sack":
            var blocks: [SACKBlock] = []
            while current.kind == .number {
                let max = UInt64(UInt32.max)
                let left = UInt32(try unsigned("a SACK block left:right", max: max))
                try expectPunctuation(":", "':' in the SACK block left:right")
                let right = UInt32(try unsigned("the right edge of the SACK block left:right", max: max))
                blocks.append(SACKBlock(left: SeqNumber(left), right: SeqNumber(right)))
            }
            return .sack(blocks)
        default:
            var found = Self.describe(name)
            let known = ["mss", "sackOK", "nop", "wscale", "TS", "sack", "eol"]
            if let guess = Self.suggestion(for: name.text, among: known) { found += " (did you mean \(guess)?)" }
            throw error(Self.optionExpected, at: name, found: found)
        }
    }

    // MARK: Calls

    mutating func parseCall() throws(ScenarioError) -> CallSpec {
        let nameToken = current
        let name = nameToken.text
        let isFreeRTOS = name.hasPrefix(CallSpec.freeRTOSPrefix) && name.count > CallSpec.freeRTOSPrefix.count
        guard isFreeRTOS || CallSpec.bsdNames.contains(name) else {
            var found = Self.describe(nameToken)
            if let guess = Self.suggestion(for: name, among: CallSpec.bsdNames) { found += " (did you mean \(guess)?)" }
            throw error(
                "a system call (" + CallSpec.bsdNames.joined(separator: ", ") + " or FreeRTOS_…)", found: found)
        }
        try advance()
        try expectPunctuation("(", "'(' after '\(Self.shortened(name))'")
        var arguments: [Argument] = []
        if current.isPunctuation(")") {
            try advance()
        } else {
            while true {
                arguments.append(try parseArgument())
                if current.isPunctuation(")") {
                    try advance()
                    break
                }
                try expectPunctuation(",", "',' or ')' after an argument")
            }
        }
        try expectPunctuation("=", "'=' and the expected result after the call")
        let result = try parseResult()
        return CallSpec(name: name, arguments: arguments, result: result)
    }

    static let argumentExpected = "an argument (a number, a name, ..., [array], {struct} or \"string\")"

    /// Nesting limit for `[…]` / `{…}`, so hostile input cannot exhaust the stack.
    static let maximumNesting = 32

    mutating func parseArgument(depth: Int = 0) throws(ScenarioError) -> Argument {
        let first = try parsePrimaryArgument(depth: depth)
        return try parseOrChain(first, depth: depth)
    }

    mutating func parseOrChain(_ first: Argument, depth: Int) throws(ScenarioError) -> Argument {
        guard current.isPunctuation("|") else { return first }
        var terms = [first]
        while current.isPunctuation("|") {
            try advance()
            terms.append(try parsePrimaryArgument(depth: depth))
        }
        return .bitwiseOr(terms)
    }

    mutating func parsePrimaryArgument(depth: Int) throws(ScenarioError) -> Argument {
        let token = current
        switch token.kind {
        case .ellipsis:
            try advance()
            return .any
        case .number:
            guard let value = Self.integer(token.text), value <= UInt64(Int64.max) else {
                throw error("a number that fits in 64 bits")
            }
            try advance()
            return .number(Int64(value))
        case .identifier:
            try advance()
            return .identifier(token.text)
        case .string(let bytes):
            try advance()
            return .string(bytes)
        case .punctuation where token.text == "-":
            try advance()
            guard current.kind == .number, let value = Self.integer(current.text), value <= UInt64(Int64.max) else {
                throw error("a number after '-'")
            }
            try advance()
            return .number(-Int64(value))
        case .punctuation where token.text == "[" || token.text == "{":
            guard depth < Self.maximumNesting else {
                throw error("at most \(Self.maximumNesting) nested brackets", found: Self.describe(token))
            }
            let isArray = token.text == "["
            let close = isArray ? "]" : "}"
            try advance()
            var elements: [Argument] = []
            var fields: [StructField] = []
            if current.isPunctuation(close) {
                try advance()
                return isArray ? .array([]) : .structure([])
            }
            while true {
                if isArray {
                    elements.append(try parseArgument(depth: depth + 1))
                } else {
                    fields.append(try parseField(depth: depth + 1))
                }
                if current.isPunctuation(close) {
                    try advance()
                    return isArray ? .array(elements) : .structure(fields)
                }
                try expectPunctuation(",", "',' or '\(close)'")
            }
        default:
            throw error(Self.argumentExpected)
        }
    }

    mutating func parseField(depth: Int) throws(ScenarioError) -> StructField {
        if current.kind == .identifier {
            let name = current.text
            try advance()
            if current.isPunctuation("=") {
                try advance()
                return StructField(name: name, value: try parseArgument(depth: depth))
            }
            return StructField(name: nil, value: try parseOrChain(.identifier(name), depth: depth))
        }
        return StructField(name: nil, value: try parseArgument(depth: depth))
    }

    static let resultExpected = "a result (a number, -1 ENAME, -pdFREERTOS_ERRNO_ENAME, a name or ...)"
    static let freeRTOSErrnoPrefix = "pdFREERTOS_ERRNO_"

    mutating func parseResult() throws(ScenarioError) -> CallResult {
        switch current.kind {
        case .ellipsis:
            try advance()
            return .any
        case .identifier:
            let name = current.text
            try advance()
            return .symbol(name)
        case .number:
            return try parseNumericResult(negative: false)
        case .punctuation where current.text == "-":
            try advance()
            if current.kind == .number { return try parseNumericResult(negative: true) }
            guard current.kind == .identifier, current.text.hasPrefix(Self.freeRTOSErrnoPrefix),
                current.text.count > Self.freeRTOSErrnoPrefix.count
            else {
                throw error("a number or pdFREERTOS_ERRNO_… after '-'")
            }
            let name = String(current.text.dropFirst(Self.freeRTOSErrnoPrefix.count))
            try advance()
            return .freeRTOSError(name: name)
        default:
            throw error(Self.resultExpected)
        }
    }

    mutating func parseNumericResult(negative: Bool) throws(ScenarioError) -> CallResult {
        guard let magnitude = Self.integer(current.text), magnitude <= UInt64(Int64.max) else {
            throw error("a number that fits in 64 bits")
        }
        let value = negative ? -Int64(magnitude) : Int64(magnitude)
        try advance()
        guard current.kind == .identifier else { return .value(value) }
        guard current.text.hasPrefix("E") else { throw error("an errno name (such as ENOTCONN) or end of line") }
        let name = current.text
        try advance()
        guard current.isPunctuation("(") else { return .errno(value: value, name: name, comment: nil) }
        // A free-text comment, read raw: `(Transport endpoint is not connected)`.
        let open = current
        lexer.reset(to: open.location)
        guard let comment = lexer.parenthesizedText() else {
            throw error("')' to close the comment opened here", at: open, found: "end of line")
        }
        try advance()
        return .errno(value: value, name: name, comment: comment)
    }

    // MARK: Suggestions

    /// The closest name within edit distance 2 (and less than the name's length), if any.
    static func suggestion(for name: String, among candidates: [String]) -> String? {
        let source = Array(name.unicodeScalars.prefix(64))
        var best: (String, Int)?
        for candidate in candidates {
            let target = Array(candidate.unicodeScalars)
            var previous = Array(0...target.count)
            for (i, a) in source.enumerated() {
                var row = [i + 1]
                for (j, b) in target.enumerated() {
                    row.append(min(previous[j + 1] + 1, row[j] + 1, previous[j] + (a == b ? 0 : 1)))
                }
                previous = row
            }
            let distance = previous[target.count]
            if distance <= 2, distance < source.count, distance < (best?.1 ?? Int.max) {
                best = (candidate, distance)
            }
        }
        return best?.0
    }
}
