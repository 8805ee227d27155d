import SimClock

/// The name of the app task running now (`Network.spawn`), for reports.
public enum AppTask {
    @TaskLocal public static var name: String?
}

/// Virtual time advances only when every app task blocks. A task that calls the socket API in a loop whose calls
/// all return at once (an `accept()` on a socket that failed to bind, a `recv()` with no wait) would hold the
/// clock still for ever while its trace grows; the guard stops the run with a report instead.
struct LivelockGuard {
    /// Calls returned at once, at `instant`, since some task last blocked.
    private var calls = 0
    private var instant = SimInstant(nanoseconds: -1)
    var limit = 100_000

    /// Counts a call that returned without blocking; true when it is one too many.
    mutating func countImmediateCall(at now: SimInstant) -> Bool {
        if now != instant {
            instant = now
            calls = 0
        }
        calls += 1
        return calls > limit
    }

    /// A task blocked: the others may run and time may advance.
    mutating func taskBlocked() { calls = 0 }
}

extension Host {
    /// Called after a call that may block returned at once. Past the limit the run is halted, and the calling
    /// task is parked for ever (its loop cannot go on; the run reports the livelock).
    func guardAgainstLivelock(_ call: @autoclosure () -> String) async {
        guard network.livelock.countImmediateCall(at: now) else { return }
        network.halt("livelock at t=\(now) s: task \"\(AppTask.name ?? "app")\" called \(call()) \(network.livelock.limit) times without blocking; virtual time cannot advance")
        await withUnsafeContinuation { (_: UnsafeContinuation<Void, Never>) in }
    }
}
