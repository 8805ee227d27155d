// Resolving names to values, as the compiler would at the point of use: the last usable definition of a macro,
// else a setting's default formula, else a FreeRTOS constant.

/// A setting's effective value.
struct ResolvedSetting {
    /// The value as C sees it, for expressions that refer to the setting.
    var value: CInteger
    /// The value as `IPConfig` stores it (`portMAX_DELAY` of a 64-bit port becomes `UInt32.max`).
    var stored: Int64
    /// The definition it came from; `nil` for a default.
    var definition: Int?
}

/// Why a value is outside what FreeRTOS+TCP accepts.
struct RangeFailure: Error {
    var expected: String
    var found: String
}

/// Evaluates the definitions of one file on demand, with memoisation. Lives for one `IPConfigHeader.init`.
final class MacroEnvironment {
    private let definitions: [Definition]
    private let live: [String: [Int]]
    private let liveIndices: Set<Int>
    private var definitionResults: [Int: Result<CInteger, EvaluationFailure>] = [:]
    private var settingResults: [IPConfig.Setting: ResolvedSetting] = [:]
    /// Macros whose value is being computed: C never expands a macro inside itself.
    private var expanding: Set<String> = []
    private var resolving: Set<IPConfig.Setting> = []
    /// Macros that are not settings but that a setting's value used; they are not reported as unmodelled.
    private var referenced: Set<String> = []
    /// Definitions read since the last reset, to place a warning about a default formula.
    private var touched: Set<Int> = []
    private var defaultDiagnostics: [(position: SourcePosition, kind: IPConfigDiagnostic.Kind)] = []

    init(definitions: [Definition], live: [String: [Int]]) {
        self.definitions = definitions
        self.live = live
        self.liveIndices = Set(live.values.joined())
    }

    // MARK: - Settings

    /// The effective value of a setting: its last definition that evaluates to an accepted value, else its
    /// default formula, else (if that formula gives an unusable value here) FreeRTOS+TCP's plain default.
    func resolve(_ setting: IPConfig.Setting, depth: Int = 0) -> ResolvedSetting {
        if let known = settingResults[setting] {
            if let index = known.definition { touched.insert(index) }
            return known
        }
        // A setting needed while it is being worked out (a cycle through range checks), or a pathological
        // nesting depth: answer with the plain default and do not remember it.
        guard !resolving.contains(setting), depth <= ExpressionEvaluator.maximumDepth else {
            return plainDefault(setting)
        }
        resolving.insert(setting)
        let inserted = expanding.insert(setting.macroName).inserted
        defer {
            resolving.remove(setting)
            if inserted { expanding.remove(setting.macroName) }
        }
        var result: ResolvedSetting?
        for index in (live[setting.macroName] ?? []).reversed() {
            if case .success(let value) = evaluate(index, depth: depth),
                case .success(let stored) = check(setting, value, depth: depth)
            {
                result = ResolvedSetting(value: value, stored: stored, definition: index)
                break
            }
        }
        let resolved = result ?? resolveDefault(setting, depth: depth)
        if let index = resolved.definition { touched.insert(index) }
        settingResults[setting] = resolved
        return resolved
    }

    private func resolveDefault(_ setting: IPConfig.Setting, depth: Int) -> ResolvedSetting {
        let outerTouched = touched
        touched = []
        defer { touched.formUnion(outerTouched) }
        let formula = setting.specification.defaultExpression
        let problem: String
        switch ExpressionEvaluator.evaluate(
            setting.defaultTokens, end: SourcePosition(line: 0, column: 0), depth: depth + 1, lookup: lookup)
        {
        case .success(let value):
            switch check(setting, value, depth: depth) {
            case .success(let stored): return ResolvedSetting(value: value, stored: stored, definition: nil)
            case .failure(let failure): problem = "gives \(failure.found) here: expected \(failure.expected)"
            }
        case .failure(let failure):
            problem = "cannot be evaluated here: \(failure.error)"
        }
        let fallback = plainDefault(setting)
        // Blame the first line of the file the formula read, where the value that broke it is.
        let cause = touched.map { definitions[$0].namePosition }.min() ?? SourcePosition(line: 1, column: 1)
        var plain = IPConfig()
        plain.setIntegerValue(fallback.stored, of: setting)
        defaultDiagnostics.append((cause, .defaultNotApplicable(
            macro: setting.macroName, formula: formula, problem: problem,
            using: plain.formattedValue(of: setting))))
        return fallback
    }

    private func plainDefault(_ setting: IPConfig.Setting) -> ResolvedSetting {
        let stored = IPConfig.defaults.integerValue(of: setting)
        return ResolvedSetting(value: .signed(stored), stored: stored, definition: nil)
    }

    // MARK: - Definitions

    /// The value of one definition, memoised.
    private func evaluate(_ index: Int, depth: Int) -> Result<CInteger, EvaluationFailure> {
        touched.insert(index)
        if let known = definitionResults[index] { return known }
        let definition = definitions[index]
        let inserted = expanding.insert(definition.name).inserted
        var result = ExpressionEvaluator.evaluate(
            definition.tokens, end: definition.end, depth: depth + 1, lookup: lookup)
        if inserted { expanding.remove(definition.name) }
        if case .failure(var failure) = result, failure.macro == nil {
            failure.macro = definition.name
            result = .failure(failure)
        }
        definitionResults[index] = result
        return result
    }

    private var lookup: IdentifierLookup {
        { [unowned self] name, position, depth throws(EvaluationFailure) in
            try self.value(of: name, at: position, depth: depth)
        }
    }

    /// A name met in an expression: a setting, a macro of the file, or a FreeRTOS constant.
    private func value(of name: String, at position: SourcePosition, depth: Int) throws(EvaluationFailure)
        -> CInteger
    {
        if expanding.contains(name) {
            throw EvaluationFailure(error: .selfReference(name), position: position)
        }
        if let setting = IPConfig.Setting(macroName: name) {
            guard depth < ExpressionEvaluator.maximumDepth else {
                throw EvaluationFailure(error: .tooDeeplyNested, position: position)
            }
            return resolve(setting, depth: depth + 1).value
        }
        if let index = live[name]?.last {
            referenced.insert(name)
            return try evaluate(index, depth: depth).get()
        }
        if let constant = freeRTOSConstant(name) { return constant }
        throw EvaluationFailure(error: .unknownIdentifier(name), position: position)
    }

    // MARK: - Ranges

    /// Accepts a value as FreeRTOS+TCP's `#error` and `STATIC_ASSERT` checks would, and converts it for storage.
    private func check(_ setting: IPConfig.Setting, _ value: CInteger, depth: Int) -> Result<Int64, RangeFailure> {
        let number = value.int64
        func within(_ range: ClosedRange<Int64>, _ expected: String) -> Result<Int64, RangeFailure> {
            if let number, range.contains(number) { return .success(number) }
            return .failure(RangeFailure(expected: expected, found: value.decimal))
        }
        let uint32Max = Int64(UInt32.max)
        switch setting.specification.range {
        case .flag:
            return within(0...1, "0 or 1 (ipconfigDISABLE or ipconfigENABLE)")
        case .integer(let range, let note):
            return within(range, "\(range.lowerBound) to \(range.upperBound)" + (note.map { " (\($0))" } ?? ""))
        case .ticks:
            // A 64-bit port's portMAX_DELAY, or -1, is all ones: "forever" in any width.
            if value.bits == UInt64.max { return .success(uint32Max) }
            return within(0...uint32Max, "0 to 4294967295 ticks, or portMAX_DELAY")
        case .secondsWithinPortMaxDelay:
            let rate = max(1, resolve(.tickRateHz, depth: depth + 1).stored)
            let maximum = uint32Max / rate
            return within(0...maximum, "0 to \(maximum) (portMAX_DELAY / configTICK_RATE_HZ at \(rate) Hz)")
        case .atLeastBuffersPlusFive:
            let minimum = resolve(.numNetworkBufferDescriptors, depth: depth + 1).stored + 5
            return within(
                minimum...max(minimum, uint32Max),
                "at least \(minimum) (ipconfigNUM_NETWORK_BUFFER_DESCRIPTORS + 5)")
        case .millisecondsWithinSocketTimer(let minimum):
            let rate = max(1, resolve(.tickRateHz, depth: depth + 1).stored)
            // pdMS_TO_TICKS( ms ) must fit the uint16_t usTimeout: ms * rate / 1000 <= 65535.
            let maximum = (65_536_000 - 1) / rate
            let expected = "\(minimum) to \(maximum) ms (at \(rate) Hz the socket timer usTimeout holds 65535 ticks)"
            guard maximum >= minimum else { return .failure(RangeFailure(expected: expected, found: value.decimal)) }
            return within(minimum...maximum, expected)
        }
    }

    // MARK: - Diagnostics

    /// Warnings about definitions: unmodelled macros, values that cannot be evaluated or are out of range,
    /// redefinitions, constants a real build would not let the file override, and unusable default formulas.
    func definitionDiagnostics() -> [(position: SourcePosition, kind: IPConfigDiagnostic.Kind)] {
        // Evaluate every live setting definition first, so that a helper macro used only by a definition that a
        // later one overrides counts as used wherever it sits in the file.
        for (index, definition) in definitions.enumerated()
        where liveIndices.contains(index) && IPConfig.Setting(macroName: definition.name) != nil {
            _ = evaluate(index, depth: 0)
        }
        var found: [(position: SourcePosition, kind: IPConfigDiagnostic.Kind)] = []
        var previous: [IPConfig.Setting: (line: Int, stored: Int64)] = [:]
        for (index, definition) in definitions.enumerated() {
            guard let setting = IPConfig.Setting(macroName: definition.name) else {
                let isBare = definition.tokens.isEmpty && !definition.isFunctionLike  // an include guard
                if !referenced.contains(definition.name) && !isBare {
                    found.append((definition.namePosition, .notModelled(
                        macro: definition.name, suggestion: suggestion(for: definition.name))))
                }
                continue
            }
            if definition.isFunctionLike {
                found.append((definition.namePosition, .functionLike(macro: definition.name)))
                continue
            }
            guard liveIndices.contains(index) else { continue }  // #undef'd before it could matter
            switch evaluate(index, depth: 0) {
            case .failure(let failure):
                let through = failure.macro == definition.name ? nil : failure.macro
                found.append((failure.position, .notEvaluable(macro: definition.name, through: through, failure.error)))
            case .success(let value):
                switch check(setting, value, depth: 0) {
                case .failure(let failure):
                    found.append((definition.valueStart, .outOfRange(
                        macro: definition.name, expected: failure.expected, found: failure.found)))
                case .success(let stored):
                    if let earlier = previous[setting], earlier.stored != stored {
                        found.append((definition.namePosition, .redefined(
                            macro: definition.name, previousLine: earlier.line)))
                    }
                    previous[setting] = (definition.namePosition.line, stored)
                    if !definition.isDump, case .no = setting.specification.overridable {
                        found.append((definition.namePosition, .notOverridableUpstream(
                            macro: definition.name, upstreamValue: setting.specification.defaultExpression)))
                    }
                }
            }
        }
        return found + defaultDiagnostics
    }

    /// A setting whose macro is one edit (or only letter case) away from `name`.
    private func suggestion(for name: String) -> String? {
        let candidate = Array(name.utf8)
        let lowered = name.lowercased()
        for setting in IPConfig.Setting.allCases {
            let macro = setting.macroName
            if macro.lowercased() == lowered || isOneEditApart(candidate, Array(macro.utf8)) { return macro }
        }
        return nil
    }
}

/// True when one insertion, deletion or substitution turns `a` into `b`.
private func isOneEditApart(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard abs(a.count - b.count) <= 1, a != b else { return false }
    let (short, long) = a.count <= b.count ? (a, b) : (b, a)
    var i = 0
    while i < short.count && short[i] == long[i] { i += 1 }
    if short.count == long.count { return short[(i + 1)...] == long[(i + 1)...] }
    return short[i...] == long[(i + 1)...]
}
