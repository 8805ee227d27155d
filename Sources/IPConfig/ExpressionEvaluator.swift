// Evaluates a macro's value: a C integer constant expression, evaluated while it is parsed.
//
// Grammar (C11 §6.5, without assignment, comma, sizeof and floating point):
//   conditional := logicalOr [ '?' conditional ':' conditional ]
//   binary      := unary { op unary }            (precedence climbing over C's ten binary levels)
//   unary       := ('-' | '+' | '!' | '~') unary | '(' type ')' unary | primary
//   primary     := literal | identifier | ('pdMS_TO_TICKS' | 'pdTICKS_TO_MS') '(' conditional ')' | '(' conditional ')'
// Like the preprocessor, the operand that `&&`, `||` or `?:` skips is parsed but not evaluated, so
// `0 && 1 / 0` is 0. Binary operators are a loop, not recursion; only parentheses, unary operators, `?:` and
// macro references nest, and together they may nest `maximumDepth` deep, so no input can exhaust the stack.

/// Why an expression has no value, and where in the file that became clear.
struct EvaluationFailure: Error, Sendable {
    var error: ExpressionError
    var position: SourcePosition
    /// The macro whose text holds `position`; set by the first definition the failure leaves.
    var macro: String?
}

/// Resolves a name met in an expression. `depth` is the nesting at the reference, to be passed on.
typealias IdentifierLookup = (_ name: String, _ position: SourcePosition, _ depth: Int) throws(EvaluationFailure)
    -> CInteger

struct ExpressionEvaluator {
    /// Parentheses, unary operators, `?:` branches and macro references, all together.
    static let maximumDepth = 48

    private let tokens: [Token]
    private let end: SourcePosition
    private let lookup: IdentifierLookup
    private var index = 0
    private var depth: Int

    /// Evaluates `tokens` (a whole macro value). `end` is where "end of line" is reported.
    static func evaluate(_ tokens: [Token], end: SourcePosition, depth: Int = 0, lookup: @escaping IdentifierLookup)
        -> Result<CInteger, EvaluationFailure>
    {
        var evaluator = ExpressionEvaluator(tokens: tokens, end: end, lookup: lookup, depth: depth)
        do throws(EvaluationFailure) {
            guard !tokens.isEmpty else {
                throw EvaluationFailure(
                    error: .unexpected(expected: "a value", found: "end of line"), position: end)
            }
            let value = try evaluator.conditional(evaluating: true)
            if let extra = evaluator.peek {
                let error = ExpressionError.unexpected(expected: "an operator or end of line", found: extra.quoted)
                throw evaluator.failure(error, at: extra)
            }
            return .success(value)
        } catch {
            return .failure(error)
        }
    }

    private init(tokens: [Token], end: SourcePosition, lookup: @escaping IdentifierLookup, depth: Int) {
        self.tokens = tokens
        self.end = end
        self.lookup = lookup
        self.depth = depth
    }

    // MARK: - Grammar

    private mutating func conditional(evaluating: Bool) throws(EvaluationFailure) -> CInteger {
        try enter()
        defer { depth -= 1 }
        let condition = try binary(minimumPrecedence: 1, evaluating: evaluating)
        guard case .punctuator(.question)? = peek?.kind else { return condition }
        index += 1
        let takeFirst = condition.isTrue
        let first = try conditional(evaluating: evaluating && takeFirst)
        try expect(.colon, "':' of '?:'")
        let second = try conditional(evaluating: evaluating && !takeFirst)
        // C11 §6.5.15: the usual arithmetic conversions apply to the two branches.
        let chosen = takeFirst ? first : second
        return CInteger(bits: chosen.bits, isUnsigned: first.isUnsigned || second.isUnsigned)
    }

    /// Precedence climbing: a loop per level, recursion only towards tighter levels (at most ten deep).
    private mutating func binary(minimumPrecedence: Int, evaluating: Bool) throws(EvaluationFailure) -> CInteger {
        var left = try unary(evaluating: evaluating)
        while let token = peek, case .punctuator(let op) = token.kind, let precedence = Self.precedence(of: op),
            precedence >= minimumPrecedence
        {
            index += 1
            switch op {
            case .logicalAnd:
                let right = try binary(minimumPrecedence: precedence + 1, evaluating: evaluating && left.isTrue)
                left = .truth(left.isTrue && right.isTrue)
            case .logicalOr:
                let right = try binary(minimumPrecedence: precedence + 1, evaluating: evaluating && !left.isTrue)
                left = .truth(left.isTrue || right.isTrue)
            default:
                let right = try binary(minimumPrecedence: precedence + 1, evaluating: evaluating)
                left = try apply(op, left, right, at: token, evaluating: evaluating)
            }
        }
        return left
    }

    private mutating func unary(evaluating: Bool) throws(EvaluationFailure) -> CInteger {
        guard let token = peek else {
            throw EvaluationFailure(error: .unexpected(expected: "a value", found: "end of line"), position: end)
        }
        switch token.kind {
        case .punctuator(let op) where [.minus, .plus, .exclamation, .tilde].contains(op):
            index += 1
            try enter()
            defer { depth -= 1 }
            let operand = try unary(evaluating: evaluating)
            return try applyUnary(op, operand, at: token, evaluating: evaluating)
        case .punctuator(.leftParenthesis):
            if let type = castType() {
                try enter()
                defer { depth -= 1 }
                return type.cast(try unary(evaluating: evaluating))
            }
            index += 1
            let value = try conditional(evaluating: evaluating)
            try expect(.rightParenthesis, "')'")
            return value
        default:
            return try primary(evaluating: evaluating)
        }
    }

    private mutating func primary(evaluating: Bool) throws(EvaluationFailure) -> CInteger {
        guard let token = peek else {
            throw EvaluationFailure(error: .unexpected(expected: "a value", found: "end of line"), position: end)
        }
        index += 1
        switch token.kind {
        case .number(let text):
            guard let value = parseIntegerLiteral(text) else { throw failure(.invalidLiteral(text), at: token) }
            return value
        case .identifier(let name):
            if case .punctuator(.leftParenthesis)? = peek?.kind {
                return try call(name, at: token, evaluating: evaluating)
            }
            guard evaluating else { return .signed(0) }
            return try lookup(name, token.position, depth)
        case .punctuator, .other:
            throw failure(.unexpected(expected: "a value", found: token.quoted), at: token)
        }
    }

    /// `pdMS_TO_TICKS( ms )` and `pdTICKS_TO_MS( ticks )`, the only function-like macros a config uses in values.
    private mutating func call(_ name: String, at token: Token, evaluating: Bool) throws(EvaluationFailure)
        -> CInteger
    {
        guard name == "pdMS_TO_TICKS" || name == "pdTICKS_TO_MS" else {
            throw failure(.unsupportedFunction(name), at: token)
        }
        index += 1
        try enter()
        defer { depth -= 1 }
        let argument = try conditional(evaluating: evaluating)
        try expect(.rightParenthesis, "')' closing \(name)(")
        guard evaluating else { return .unsigned(0) }
        let rate = try lookup("configTICK_RATE_HZ", token.position, depth).bits
        let tick = CIntegerType(words: ["TickType_t"])
        // FreeRTOS projdefs.h: ( ( TickType_t ) ( ( ( uint64_t ) ( x ) * ( uint64_t ) configTICK_RATE_HZ ) / 1000U ) )
        if name == "pdMS_TO_TICKS" {
            let ticks = (argument.bits &* rate) / 1000
            return tick?.cast(.unsigned(ticks)) ?? .unsigned(ticks)
        }
        guard rate != 0 else { throw failure(.divisionByZero(operator: "pdTICKS_TO_MS"), at: token) }
        let milliseconds = (argument.bits &* 1000) / rate
        return tick?.cast(.unsigned(milliseconds)) ?? .unsigned(milliseconds)
    }

    /// After '(': a type name and ')' make a cast. Consumes them and returns the type, or consumes nothing.
    private mutating func castType() -> CIntegerType? {
        var cursor = index + 1
        var words: [String] = []
        while cursor < tokens.count, case .identifier(let word) = tokens[cursor].kind,
            CIntegerType.startsTypeName(word)
        {
            words.append(word)
            cursor += 1
        }
        guard !words.isEmpty, cursor < tokens.count, case .punctuator(.rightParenthesis) = tokens[cursor].kind,
            let type = CIntegerType(words: words)
        else { return nil }
        index = cursor + 1
        return type
    }

    // MARK: - Arithmetic

    private static func precedence(of op: Punctuator) -> Int? {
        switch op {
        case .logicalOr: 1
        case .logicalAnd: 2
        case .bar: 3
        case .caret: 4
        case .ampersand: 5
        case .equal, .notEqual: 6
        case .less, .greater, .lessOrEqual, .greaterOrEqual: 7
        case .shiftLeft, .shiftRight: 8
        case .plus, .minus: 9
        case .star, .slash, .percent: 10
        case .leftParenthesis, .rightParenthesis, .exclamation, .tilde, .question, .colon: nil
        }
    }

    private func applyUnary(_ op: Punctuator, _ value: CInteger, at token: Token, evaluating: Bool)
        throws(EvaluationFailure) -> CInteger
    {
        switch op {
        case .minus:
            if value.isUnsigned { return .unsigned(0 &- value.bits) }
            if evaluating && value.signedValue == .min { throw failure(.overflow(operator: "-"), at: token) }
            return .signed(0 &- value.signedValue)
        case .exclamation: return .truth(!value.isTrue)
        case .tilde: return CInteger(bits: ~value.bits, isUnsigned: value.isUnsigned)
        default: return value
        }
    }

    private func apply(_ op: Punctuator, _ a: CInteger, _ b: CInteger, at token: Token, evaluating: Bool)
        throws(EvaluationFailure) -> CInteger
    {
        let isUnsigned = a.isUnsigned || b.isUnsigned
        func overflow() -> EvaluationFailure { failure(.overflow(operator: op.rawValue), at: token) }
        func arithmetic(
            _ unsignedOp: (UInt64, UInt64) -> (partialValue: UInt64, overflow: Bool),
            _ signedOp: (Int64, Int64) -> (partialValue: Int64, overflow: Bool)
        ) throws(EvaluationFailure) -> CInteger {
            if isUnsigned { return .unsigned(unsignedOp(a.bits, b.bits).partialValue) }
            let (value, overflowed) = signedOp(a.signedValue, b.signedValue)
            if overflowed && evaluating { throw overflow() }
            return .signed(value)
        }
        switch op {
        case .plus: return try arithmetic({ $0.addingReportingOverflow($1) }, { $0.addingReportingOverflow($1) })
        case .minus:
            return try arithmetic({ $0.subtractingReportingOverflow($1) }, { $0.subtractingReportingOverflow($1) })
        case .star:
            return try arithmetic(
                { $0.multipliedReportingOverflow(by: $1) }, { $0.multipliedReportingOverflow(by: $1) })
        case .slash, .percent:
            guard b.bits != 0 else {
                if evaluating { throw failure(.divisionByZero(operator: op.rawValue), at: token) }
                return CInteger(bits: 0, isUnsigned: isUnsigned)
            }
            if op == .slash {
                return try arithmetic({ $0.dividedReportingOverflow(by: $1) }, { $0.dividedReportingOverflow(by: $1) })
            }
            return try arithmetic(
                { $0.remainderReportingOverflow(dividingBy: $1) }, { $0.remainderReportingOverflow(dividingBy: $1) })
        case .shiftLeft, .shiftRight:
            return try shift(op, a, b, at: token, evaluating: evaluating)
        case .less, .greater, .lessOrEqual, .greaterOrEqual, .equal, .notEqual:
            return .truth(compare(op, a, b, isUnsigned: isUnsigned))
        case .ampersand: return CInteger(bits: a.bits & b.bits, isUnsigned: isUnsigned)
        case .caret: return CInteger(bits: a.bits ^ b.bits, isUnsigned: isUnsigned)
        case .bar: return CInteger(bits: a.bits | b.bits, isUnsigned: isUnsigned)
        case .leftParenthesis, .rightParenthesis, .exclamation, .tilde, .question, .colon, .logicalAnd, .logicalOr:
            return a
        }
    }

    /// C11 §6.5.7: the result has the left operand's type; a count outside 0..<64 or a signed overflow is
    /// undefined behaviour, reported here.
    private func shift(_ op: Punctuator, _ a: CInteger, _ b: CInteger, at token: Token, evaluating: Bool)
        throws(EvaluationFailure) -> CInteger
    {
        let countIsValid = b.isUnsigned ? b.bits < 64 : (b.signedValue >= 0 && b.signedValue < 64)
        guard countIsValid else {
            if evaluating { throw failure(.shiftCountOutOfRange(b.decimal), at: token) }
            return CInteger(bits: 0, isUnsigned: a.isUnsigned)
        }
        let count = b.bits
        if op == .shiftRight {
            return a.isUnsigned ? .unsigned(a.bits >> count) : .signed(a.signedValue >> Int64(count))
        }
        if a.isUnsigned { return .unsigned(a.bits << count) }
        let shifted = a.signedValue << Int64(count)
        if evaluating && (a.signedValue < 0 || shifted >> Int64(count) != a.signedValue || shifted < 0) {
            throw failure(.overflow(operator: "<<"), at: token)
        }
        return .signed(shifted)
    }

    private func compare(_ op: Punctuator, _ a: CInteger, _ b: CInteger, isUnsigned: Bool) -> Bool {
        let order: Int
        if isUnsigned {
            order = a.bits < b.bits ? -1 : (a.bits == b.bits ? 0 : 1)
        } else {
            order = a.signedValue < b.signedValue ? -1 : (a.signedValue == b.signedValue ? 0 : 1)
        }
        switch op {
        case .less: return order < 0
        case .greater: return order > 0
        case .lessOrEqual: return order <= 0
        case .greaterOrEqual: return order >= 0
        case .equal: return order == 0
        default: return order != 0
        }
    }

    // MARK: - Cursor

    private var peek: Token? { index < tokens.count ? tokens[index] : nil }

    private mutating func enter() throws(EvaluationFailure) {
        depth += 1
        if depth > Self.maximumDepth {
            throw EvaluationFailure(error: .tooDeeplyNested, position: peek?.position ?? end)
        }
    }

    private mutating func expect(_ punctuator: Punctuator, _ description: String) throws(EvaluationFailure) {
        guard let token = peek else {
            throw EvaluationFailure(error: .unexpected(expected: description, found: "end of line"), position: end)
        }
        guard case .punctuator(let found) = token.kind, found == punctuator else {
            throw failure(.unexpected(expected: description, found: token.quoted), at: token)
        }
        index += 1
    }

    private func failure(_ error: ExpressionError, at token: Token) -> EvaluationFailure {
        EvaluationFailure(error: error, position: token.position)
    }
}
