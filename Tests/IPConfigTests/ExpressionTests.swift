@testable import IPConfig
import Testing

/// Evaluates one expression the way a macro value is evaluated, with FreeRTOS's constants and a 1000 Hz tick.
private func evaluate(_ text: String) -> Result<CInteger, EvaluationFailure> {
    var positions: [SourcePosition] = []
    var column = 1
    for _ in text.utf8 {
        positions.append(SourcePosition(line: 1, column: column))
        column += 1
    }
    let bytes = Array(text.utf8)
    let tokens = tokenize(bytes[...], positions: positions[...])
    return ExpressionEvaluator.evaluate(tokens, end: SourcePosition(line: 1, column: column)) {
        name, position, _ throws(EvaluationFailure) in
        if name == "configTICK_RATE_HZ" { return .signed(1000) }
        if let constant = freeRTOSConstant(name) { return constant }
        throw EvaluationFailure(error: .unknownIdentifier(name), position: position)
    }
}

@Suite("Constant expressions")
struct ExpressionTests {
    @Test(arguments: [
        // Precedence and associativity (C11 §6.5).
        ("1 + 2 * 3", 7), ("( 1 + 2 ) * 3", 9), ("10 - 4 - 3", 3), ("100 / 10 / 5", 2), ("1 << 2 + 1", 8),
        ("1 | 2 ^ 3 & 4", 3), ("1 < 2 == 1", 1), ("2 + 3 > 4 && 1", 1), ("0 || 3 & 1", 1), ("!0 + ~0", 0),
        ("-3 / 2", -1), ("-7 % 3", -1), ("- - 5", 5), ("+4", 4), ("~0x0F & 0xFF", 0xF0),
        ("1 ? 2 : 3", 2), ("0 ? 2 : 0 ? 3 : 4", 4), ("( 1 ? 2 : 3 ) + 1", 3),
        // Literals: radix and suffixes.
        ("0x10 + 010 + 0b10", 26), ("40U", 40), ("20000UL", 20000), ("0x0400", 1024), ("7ull", 7), ("0", 0),
        // The operand that && || ?: skip is not evaluated.
        ("0 && 1 / 0", 0), ("1 || 1 / 0", 1), ("1 ? 5 : 1 / 0", 5), ("0 && UNDEFINED_NAME", 0),
        // Casts truncate as on a 32-bit MCU.
        ("( uint8_t ) 300", 44), ("( BaseType_t ) 0xFFFFFFFF", -1), ("( int16_t ) 40000", -25536),
        ("( unsigned long ) 5", 5), ("( const uint32_t ) 7", 7), ("( TickType_t ) 0x100000001", 1),
        // FreeRTOS names.
        ("pdMS_TO_TICKS( 1500 )", 1500), ("pdTICKS_TO_MS( 250 )", 250), ("pdTRUE + pdPASS + pdFALSE", 2),
        ("ipconfigENABLE", 1), ("( ( ( 1500 ) - 40U ) * 4 )", 5840), ("( ( 45 ) + 5 )", 50),
        ("( ( TickType_t ) ( ( ( uint64_t ) ( 5000 ) * ( uint64_t ) ( 1000 ) ) / ( uint64_t ) 1000U ) )", 5000),
        // Signed shifts.
        ("-8 >> 1", -4), ("1 << 62", 1 << 62),
    ] as [(String, Int64)])
    func signedResults(expression: String, expected: Int64) throws {
        let value = try evaluate(expression).get()
        #expect(value.signedValue == expected, "\(expression)")
    }

    @Test(arguments: [
        ("portMAX_DELAY", 0xFFFF_FFFF), ("( TickType_t ) -1", 0xFFFF_FFFF),
        ("(0x7fffffffffffffffL * 2UL + 1UL)", .max),
        ("( ( TickType_t ) (0x7fffffffffffffffL * 2UL + 1UL) )", 0xFFFF_FFFF),
        ("18446744073709551615", .max), ("0xFFFFFFFFFFFFFFFF", .max), ("1U << 63", 1 << 63),
        ("0U - 1", .max), ("40U - 50", .max - 9), ("-1 + 0U", .max),
    ] as [(String, UInt64)])
    func unsignedResults(expression: String, expected: UInt64) throws {
        let value = try evaluate(expression).get()
        #expect(value.isUnsigned, "\(expression)")
        #expect(value.bits == expected, "\(expression)")
    }

    @Test func mixedComparisonsConvertToUnsigned() throws {
        // C11 §6.3.1.8: -1 becomes UINTMAX_MAX when compared with an unsigned value.
        #expect(try evaluate("-1 < 0U").get().signedValue == 0)
        #expect(try evaluate("-1 < 0").get().signedValue == 1)
        #expect(try evaluate("0 ? 1U : -1").get().isUnsigned)
    }

    @Test(arguments: [
        ("1 / 0", ExpressionError.divisionByZero(operator: "/"), 3),
        ("5 % ( 2 - 2 )", .divisionByZero(operator: "%"), 3),
        ("( 1 + 2", .unexpected(expected: "')'", found: "end of line"), 8),
        ("1 +", .unexpected(expected: "a value", found: "end of line"), 4),
        ("1 2", .unexpected(expected: "an operator or end of line", found: "'2'"), 3),
        ("= 1", .unexpected(expected: "a value", found: "'='"), 1),
        ("1 ? 2", .unexpected(expected: "':' of '?:'", found: "end of line"), 6),
        ("( 3 ] )", .unexpected(expected: "')'", found: "']'"), 5),
        ("pdMS_TO_TICKS( 5", .unexpected(expected: "')' closing pdMS_TO_TICKS(", found: "end of line"), 17),
        ("FOO + 1", .unknownIdentifier("FOO"), 1),
        ("sizeof( int )", .unsupportedFunction("sizeof"), 1),
        ("1.5", .invalidLiteral("1.5"), 1),
        ("08", .invalidLiteral("08"), 1),
        ("0x", .invalidLiteral("0x"), 1),
        ("12abc", .invalidLiteral("12abc"), 1),
        ("18446744073709551616", .invalidLiteral("18446744073709551616"), 1),
        ("1 << 64", .shiftCountOutOfRange("64"), 3),
        ("1 << -1", .shiftCountOutOfRange("-1"), 3),
        ("1 << 63", .overflow(operator: "<<"), 3),
        ("9223372036854775807 + 1", .overflow(operator: "+"), 21),
        ("-9223372036854775807 - 2", .overflow(operator: "-"), 22),
        ("( -9223372036854775807 - 1 ) / -1", .overflow(operator: "/"), 30),
        ("-( -9223372036854775807 - 1 )", .overflow(operator: "-"), 1),
    ] as [(String, ExpressionError, Int)])
    func errorsSayWhatWasExpectedAndWhere(expression: String, error: ExpressionError, column: Int) {
        guard case .failure(let failure) = evaluate(expression) else {
            Issue.record("\(expression) evaluated")
            return
        }
        #expect(failure.error == error, "\(expression)")
        #expect(failure.position == SourcePosition(line: 1, column: column), "\(expression)")
    }

    @Test func nestingIsBoundedInsteadOfExhaustingTheStack() throws {
        for depth in [ExpressionEvaluator.maximumDepth + 1, 10_000] {
            let text = String(repeating: "( ", count: depth) + "1" + String(repeating: " )", count: depth)
            guard case .failure(let failure) = evaluate(text) else {
                Issue.record("\(depth) parentheses evaluated")
                continue
            }
            #expect(failure.error == .tooDeeplyNested)
        }
        #expect(evaluate(String(repeating: "-", count: 100_000) + "1").isFailure)
        #expect(evaluate(String(repeating: "1 ? ", count: 10_000) + "1").isFailure)
        // Long flat expressions are loops, not recursion.
        let sum = Array(repeating: "1", count: 50_000).joined(separator: " + ")
        #expect(try evaluate(sum).get().signedValue == 50_000)
        let nested = String(repeating: "( ", count: 20) + "7" + String(repeating: " )", count: 20)
        #expect(try evaluate(nested).get().signedValue == 7)
    }

    @Test func errorMessagesReadAsSentences() {
        #expect(ExpressionError.divisionByZero(operator: "/").description
            == "expected a non-zero divisor for '/', found 0")
        #expect(ExpressionError.unknownIdentifier("FOO").description
            == "expected a number or a defined macro, found 'FOO'")
        #expect(ExpressionError.unexpected(expected: "')'", found: "end of line").description
            == "expected ')', found end of line")
        #expect(ExpressionError.invalidLiteral("1.5").description == "expected a 64-bit integer literal, found '1.5'")
    }
}

extension Result {
    fileprivate var isFailure: Bool { if case .failure = self { true } else { false } }
}
