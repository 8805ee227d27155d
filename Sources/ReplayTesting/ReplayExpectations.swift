import IPConfig
import Replay
import Testing

/// Swift Testing support for replays: put captures of your device beside your tests and check that the
/// model still answers as the device did.
///
/// ```swift
/// import ReplayTesting
/// @Test func echoStillMatches() throws {
///     try expectReplayMatches("Fixtures/echo.pcapng", device: "192.0.2.2:7")
/// }
/// ```
///
/// A divergence records one issue with the whole report (the side-by-side table, the first divergence with
/// the model's sockets at that instant, and the verdict), at the caller's source location.
@discardableResult
public func expectReplayMatches(
    _ capture: String, device: String? = nil, config: IPConfig = .defaults, tolerance: ReplayTolerance = .default,
    filter: String? = nil, app: ReplayApp = .inferred, tickLength: Duration? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> ReplayReport {
    let report = try Replay.check(capture: capture, device: device, config: config, tolerance: tolerance,
                                  filter: filter, app: app, tickLength: tickLength)
    if !report.passed {
        Issue.record(Comment(rawValue: report.text()), sourceLocation: sourceLocation)
    }
    return report
}
