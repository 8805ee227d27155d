/// A task executor that only queues jobs; the network runs them after each event, on its own thread.
///
/// Tasks started with `Task(executorPreference:)` on this executor, which await nothing but the
/// simulation's own continuations, run in the order of the event queue .
final class SimExecutor: TaskExecutor, @unchecked Sendable {
    private var jobs: [UnownedJob] = []
    private var head = 0
    /// Actions to run once no job is queued (see `Network.whenIdle(_:)`).
    private var idleActions: [() -> Void] = []

    func enqueue(_ job: consuming ExecutorJob) {
        jobs.append(UnownedJob(job))
    }

    var hasWork: Bool { head < jobs.count }

    /// Runs queued jobs (and those they queue) until none is left, then the idle actions, and again while those
    /// queued more.
    func drain() {
        repeat {
            while head < jobs.count {
                let job = jobs[head]
                head += 1
                job.runSynchronously(on: asUnownedTaskExecutor())
                if head == jobs.count {
                    jobs.removeAll(keepingCapacity: true)
                    head = 0
                }
            }
            guard !idleActions.isEmpty else { return }
            let actions = idleActions
            idleActions.removeAll(keepingCapacity: true)
            for action in actions { action() }
        } while true
    }

    func whenIdle(_ action: @escaping () -> Void) { idleActions.append(action) }
}
