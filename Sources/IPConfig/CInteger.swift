// The integer model of the expression evaluator.
//
// Simulation: values follow the preprocessor's `#if` arithmetic — every value is a 64-bit `intmax_t` or
// `uintmax_t`, and an operation is unsigned when either operand is. That keeps device dumps such as
// `( ( TickType_t ) (0x7fffffffffffffffL * 2UL + 1UL) )` exact. Casts truncate to the named type as on a 32-bit
// MCU (`TickType_t`, `BaseType_t`, `size_t`, `long` are 32 bits), so `( TickType_t ) -1` is `portMAX_DELAY`.

/// A C integer value: 64 bits and a signedness.
struct CInteger: Hashable, Sendable {
    var bits: UInt64
    var isUnsigned: Bool

    static func signed(_ value: Int64) -> CInteger { CInteger(bits: UInt64(bitPattern: value), isUnsigned: false) }
    static func unsigned(_ value: UInt64) -> CInteger { CInteger(bits: value, isUnsigned: true) }
    static func truth(_ value: Bool) -> CInteger { .signed(value ? 1 : 0) }

    var signedValue: Int64 { Int64(bitPattern: bits) }
    var isTrue: Bool { bits != 0 }

    /// The mathematical value when it fits an `Int64`; `nil` for unsigned values above `Int64.max`.
    var int64: Int64? {
        if isUnsigned && bits > UInt64(Int64.max) { return nil }
        return signedValue
    }

    /// The value in decimal, as the user would read it.
    var decimal: String { isUnsigned ? String(bits) : String(signedValue) }
}

/// An integer type a cast can name, with its width on a 32-bit target.
struct CIntegerType: Hashable, Sendable {
    var bits: Int
    var isSigned: Bool

    /// `(type) value`: truncate to the width, then sign- or zero-extend back to 64 bits. Types narrower than
    /// `int` promote to (signed) `int`, so only unsigned types of 32 bits or more stay unsigned.
    func cast(_ value: CInteger) -> CInteger {
        guard bits < 64 else { return CInteger(bits: value.bits, isUnsigned: !isSigned) }
        let shift = UInt64(64 - bits)
        let truncated = (value.bits << shift) >> shift
        if isSigned {
            let extended = Int64(bitPattern: truncated << shift) >> Int64(shift)
            return .signed(extended)
        }
        return CInteger(bits: truncated, isUnsigned: bits >= 32)
    }

    /// The type named by a sequence of words such as `unsigned long` or `TickType_t`, or `nil`.
    init?(words: [String]) {
        let filtered = words.filter { $0 != "const" && $0 != "volatile" }
        guard !filtered.isEmpty else { return nil }
        if filtered.count == 1, let named = CIntegerType.typedefs[filtered[0]] {
            self = named
            return
        }
        var isSigned = true
        var sawSignedness = false
        var longs = 0
        var base: String?
        for word in filtered {
            switch word {
            case "signed", "unsigned":
                guard !sawSignedness else { return nil }
                sawSignedness = true
                isSigned = word == "signed"
            case "long":
                longs += 1
                guard longs <= 2 else { return nil }
            case "int", "short", "char":
                guard base == nil else { return nil }
                base = word
            default:
                return nil
            }
        }
        switch (base, longs) {
        case ("char", 0): self.init(bits: 8, isSigned: isSigned)
        case ("short", 0): self.init(bits: 16, isSigned: isSigned)
        case ("int", 0), (nil, 0): self.init(bits: 32, isSigned: isSigned)
        case ("int", 1), (nil, 1): self.init(bits: 32, isSigned: isSigned)
        case ("int", 2), (nil, 2): self.init(bits: 64, isSigned: isSigned)
        default: return nil
        }
    }

    private init(bits: Int, isSigned: Bool) {
        self.bits = bits
        self.isSigned = isSigned
    }

    /// Words that can start a type name in a cast.
    static func startsTypeName(_ word: String) -> Bool {
        typedefs[word] != nil || keywords.contains(word)
    }

    private static let keywords: Set<String> = [
        "signed", "unsigned", "long", "int", "short", "char", "const", "volatile",
    ]

    /// Typedefs a FreeRTOS header casts to, with their widths on a 32-bit port.
    private static let typedefs: [String: CIntegerType] = [
        "int8_t": .init(bits: 8, isSigned: true), "uint8_t": .init(bits: 8, isSigned: false),
        "int16_t": .init(bits: 16, isSigned: true), "uint16_t": .init(bits: 16, isSigned: false),
        "int32_t": .init(bits: 32, isSigned: true), "uint32_t": .init(bits: 32, isSigned: false),
        "int64_t": .init(bits: 64, isSigned: true), "uint64_t": .init(bits: 64, isSigned: false),
        "intptr_t": .init(bits: 32, isSigned: true), "uintptr_t": .init(bits: 32, isSigned: false),
        "size_t": .init(bits: 32, isSigned: false), "ssize_t": .init(bits: 32, isSigned: true),
        "intmax_t": .init(bits: 64, isSigned: true), "uintmax_t": .init(bits: 64, isSigned: false),
        "TickType_t": .init(bits: 32, isSigned: false), "BaseType_t": .init(bits: 32, isSigned: true),
        "UBaseType_t": .init(bits: 32, isSigned: false), "StackType_t": .init(bits: 32, isSigned: false),
        "EventBits_t": .init(bits: 32, isSigned: false),
    ]
}

/// `u`, `l`, `ul`, `lu`, `ll`, `ull`, `llu`, or nothing (compared in lower case).
private let integerSuffixes: Set<[UInt8]> = Set(["", "u", "l", "ul", "lu", "ll", "ull", "llu"].map { Array($0.utf8) })

/// Reads a C integer literal (`1460`, `0x0400`, `017`, `0b101`, `40U`, `20000UL`).
///
/// Its type follows C's rules on a 64-bit evaluator: signed when it fits `Int64` and has no `U` suffix, unsigned
/// otherwise (for a decimal literal that is GCC's "so large that it is unsigned").
func parseIntegerLiteral(_ text: String) -> CInteger? {
    var body = Array(text.utf8)
    var suffix: [UInt8] = []
    while let last = body.last, last == UInt8(ascii: "u") || last == UInt8(ascii: "U")
        || last == UInt8(ascii: "l") || last == UInt8(ascii: "L")
    {
        suffix.insert(last | 0x20, at: 0)
        body.removeLast()
    }
    guard integerSuffixes.contains(suffix), let first = body.first else { return nil }
    let hasUnsignedSuffix = suffix.contains(UInt8(ascii: "u"))

    var radix: UInt64 = 10
    var digits = body[...]
    if first == UInt8(ascii: "0"), body.count > 1 {
        switch body[1] | 0x20 {
        case UInt8(ascii: "x"): radix = 16; digits = body.dropFirst(2)
        case UInt8(ascii: "b"): radix = 2; digits = body.dropFirst(2)
        default: radix = 8; digits = body.dropFirst(1)
        }
        guard !digits.isEmpty else { return nil }
    }
    var value: UInt64 = 0
    for byte in digits {
        let digit: UInt64
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt64(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
        guard digit < radix else { return nil }
        let (shifted, overflow1) = value.multipliedReportingOverflow(by: radix)
        let (sum, overflow2) = shifted.addingReportingOverflow(digit)
        guard !overflow1, !overflow2 else { return nil }
        value = sum
    }
    return CInteger(bits: value, isUnsigned: hasUnsignedSuffix || value > UInt64(Int64.max))
}
