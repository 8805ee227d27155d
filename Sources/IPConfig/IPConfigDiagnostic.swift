// Warnings about a configuration file: what was expected, what was found, and where.

/// A place in a configuration file: `file:line:column`, 1-based, columns counted in UTF-8 bytes.
public struct IPConfigSourceLocation: Hashable, Sendable, CustomStringConvertible {
    /// The name the file was read under (as given, not resolved).
    public var fileName: String
    /// 1-based line in the original file, counting every physical line (continuations included).
    public var line: Int
    /// 1-based column in UTF-8 bytes; a tab counts as one.
    public var column: Int

    /// A location from its parts.
    public init(fileName: String, line: Int, column: Int) {
        self.fileName = fileName
        self.line = line
        self.column = column
    }

    /// `file:line:column`.
    public var description: String { "\(fileName):\(line):\(column)" }
}

/// Something in a configuration file the reader skipped. Never fatal: the rest of the file still counts.
public struct IPConfigDiagnostic: Hashable, Sendable, CustomStringConvertible {
    /// Where the problem is: the macro name, the offending token, or the start of the line.
    public var location: IPConfigSourceLocation
    /// What the problem is.
    public var kind: Kind

    /// A diagnostic from its parts.
    public init(location: IPConfigSourceLocation, kind: Kind) {
        self.location = location
        self.kind = kind
    }

    /// The message without the location.
    public var message: String { kind.description }

    /// `file:line:col: warning: message`, the form compilers and editors understand.
    public var description: String { "\(location): warning: \(message)" }

    /// What was skipped, and why.
    public enum Kind: Hashable, Sendable, CustomStringConvertible {
        /// A macro that is not one of `IPConfig.Setting`. `suggestion` is a setting one typo away.
        case notModelled(macro: String, suggestion: String?)
        /// A setting whose value could not be evaluated. `through` names the macro, referenced from the value,
        /// whose text holds the problem.
        case notEvaluable(macro: String, through: String?, ExpressionError)
        /// A setting whose value FreeRTOS+TCP would reject (`#error`, `STATIC_ASSERT`, or a too narrow variable).
        case outOfRange(macro: String, expected: String, found: String)
        /// A setting the file does not define, whose default formula gives an unusable value because of what the
        /// file does define. The plain FreeRTOS+TCP default `using` is taken instead.
        case defaultNotApplicable(macro: String, formula: String, problem: String, using: String)
        /// A setting defined as a function-like macro (a '(' right after the name).
        case functionLike(macro: String)
        /// A setting defined again with a different value; the later definition wins, as in C.
        case redefined(macro: String, previousLine: Int)
        /// A constant that FreeRTOS+TCP defines without `#ifndef`: a real build keeps `upstreamValue`.
        case notOverridableUpstream(macro: String, upstreamValue: String)
        /// `#include`: reported once per file.
        case includeNotFollowed(path: String)
        /// A line that is neither a preprocessor directive nor `NAME = value`.
        case notADefinition(found: String)
        /// `#define` or `#undef` without an identifier after it.
        case missingMacroName(directive: String, found: String)
        /// `/*` without `*/`.
        case unterminatedComment

        /// The message: what was expected, what was found, and what the reader did about it.
        public var description: String {
            switch self {
            case let .notModelled(macro, suggestion):
                let hint = suggestion.map { " (did you mean '\($0)'?)" } ?? ""
                return "expected a TCP setting tcpsim models, found '\(macro)'\(hint); ignored"
            case let .notEvaluable(macro, through, error):
                let via = through.map { " (through '\($0)')" } ?? ""
                return "cannot evaluate \(macro)\(via): \(error); ignored"
            case let .outOfRange(macro, expected, found):
                return "\(macro): expected \(expected), found \(found); ignored"
            case let .defaultNotApplicable(macro, formula, problem, using):
                return "\(macro) is not defined and its default \(formula) \(problem); using \(using)"
            case let .functionLike(macro):
                return "expected \(macro) to be an object-like macro, found a function-like one "
                    + "('(' right after the name); ignored"
            case let .redefined(macro, previousLine):
                return "\(macro) redefined (previous definition at line \(previousLine)): this value replaces it; "
                    + "#if and #ifdef are not evaluated, so every branch is read"
            case let .notOverridableUpstream(macro, upstreamValue):
                return "\(macro) has no #ifndef guard in FreeRTOS+TCP: a real build warns that it is redefined and "
                    + "keeps \(upstreamValue); the simulator uses this value"
            case let .includeNotFollowed(path):
                return "#include \(path) not followed: only this file is read "
                    + "(define configTICK_RATE_HZ here if it is not 1000)"
            case let .notADefinition(found):
                return "expected '#define NAME value' or 'NAME = value', found '\(found)'; ignored"
            case let .missingMacroName(directive, found):
                return "expected a macro name after #\(directive), found \(found); ignored"
            case .unterminatedComment:
                return "expected '*/' to close this comment, found end of file"
            }
        }
    }
}

/// Why a value is not an integer constant expression the reader can evaluate.
public enum ExpressionError: Hashable, Sendable, CustomStringConvertible {
    /// A syntax error: `found` is a quoted token or "end of line".
    case unexpected(expected: String, found: String)
    /// A name that is neither defined in the file, a setting, nor a FreeRTOS constant.
    case unknownIdentifier(String)
    /// A call of a function-like macro other than `pdMS_TO_TICKS` / `pdTICKS_TO_MS` (including `sizeof`).
    case unsupportedFunction(String)
    /// A pp-number that is not a 64-bit integer literal (`1.5`, `08`, `0x`, 20 digits).
    case invalidLiteral(String)
    /// `/`, `%` or `pdTICKS_TO_MS` by zero.
    case divisionByZero(operator: String)
    /// Signed arithmetic that does not fit 64 bits (undefined behaviour in C).
    case overflow(operator: String)
    /// A shift by a negative count or by 64 or more (undefined behaviour in C).
    case shiftCountOutOfRange(String)
    /// A macro whose value refers to itself, directly or through others; C never expands it.
    case selfReference(String)
    /// More than `ExpressionEvaluator.maximumDepth` nested parentheses, operators and macro references.
    case tooDeeplyNested

    /// "expected …, found …".
    public var description: String {
        switch self {
        case let .unexpected(expected, found): "expected \(expected), found \(found)"
        case let .unknownIdentifier(name): "expected a number or a defined macro, found '\(name)'"
        case let .unsupportedFunction(name): "expected pdMS_TO_TICKS( ms ) or pdTICKS_TO_MS( ticks ), found '\(name)('"
        case let .invalidLiteral(text): "expected a 64-bit integer literal, found '\(text)'"
        case let .divisionByZero(op): "expected a non-zero divisor for '\(op)', found 0"
        case let .overflow(op): "expected a result that fits in 64 bits, found an overflow in '\(op)'"
        case let .shiftCountOutOfRange(count): "expected a shift count from 0 to 63, found \(count)"
        case let .selfReference(name): "expected a value, found '\(name)' defined in terms of itself"
        case .tooDeeplyNested:
            "expected at most \(ExpressionEvaluator.maximumDepth) levels of parentheses, operators and macro "
                + "references, found more"
        }
    }
}
