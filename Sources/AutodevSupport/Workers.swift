#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `units` pieces of work on up to `workers` threads (the caller's among them), each
/// thread with its own `context` (say, a libgit2 repository handle, which must not be shared),
/// and returns the results in unit order.
///
/// Units are handed out one at a time from a shared counter, so a slow unit does not hold up the
/// others. `makeContext(worker)` is called once per thread that takes work; worker 0 is the
/// caller's thread and may reuse something the caller owns, since the caller is busy with this
/// meanwhile. If a unit throws, the first error (by unit order) is rethrown after every thread
/// has finished.
public func runOnWorkers<Context, Result>(
    units: Int, workers: Int,
    makeContext: @escaping @Sendable (Int) throws -> Context,
    work: @escaping @Sendable (inout Context, Int) throws -> Result
) throws -> [Result] {
    try PendingWork(units: units, workers: workers, makeContext: makeContext, work: work).finish()
}

/// Work started on other threads while the caller does something else; `finish()` joins in and
/// returns the results in unit order. See `runOnWorkers`, which is start-then-finish.
public final class PendingWork<Context, Result> {
    private let units: Int
    private let slots: ResultSlots<Swift.Result<Result, any Error>>
    private let body: @Sendable (Int) -> Void
    private let makeContext: @Sendable (Int) throws -> Context
    private let work: @Sendable (inout Context, Int) throws -> Result
    private var threads: [pthread_t] = []

    /// Starts threads 1..<workers now; worker 0 (the caller) joins in `finish()`.
    public init(units: Int, workers: Int,
                makeContext: @escaping @Sendable (Int) throws -> Context,
                work: @escaping @Sendable (inout Context, Int) throws -> Result) {
        let slots = ResultSlots<Swift.Result<Result, any Error>>(count: units)
        let queue = WorkCounter(limit: units)
        self.units = units
        self.slots = slots
        self.makeContext = makeContext
        self.work = work
        body = { worker in
            guard queue.hasWork else { return }
            var context: Context
            do {
                context = try makeContext(worker)
            } catch {
                // This thread takes no work; the others (or the caller, in finish) do its share.
                return
            }
            while let unit = queue.next() {
                slots.set(unit, Swift.Result { try work(&context, unit) })
            }
        }
        // Plain threads rather than Dispatch: a Dispatch worker took up to 3 ms to start on the
        // first use in a process; pthread_create takes tens of microseconds.
        threads = (1..<max(1, min(workers, units))).compactMap { worker in startThread { [body] in body(worker) } }
    }

    /// Does what is left on the calling thread, waits for the other threads, returns the results.
    public func finish() throws -> [Result] {
        body(0)
        for thread in threads { pthread_join(thread, nil) }
        threads = []
        var results: [Result] = []
        results.reserveCapacity(units)
        var fallback: Context?
        for unit in 0..<units {
            if let result = slots.get(unit) {
                results.append(try result.get())
            } else {
                // Every thread failed to make its context: do the unit here, reporting that failure.
                if fallback == nil { fallback = try makeContext(0) }
                results.append(try work(&fallback!, unit))
            }
        }
        return results
    }

    deinit {
        // Never leave threads running with references into this object's closures.
        for thread in threads { pthread_join(thread, nil) }
    }
}

/// The number of worker threads worth starting: the online cores, at most `limit`; or exactly
/// `AUTODEV_THREADS` (1–64) when that is set, e.g. `AUTODEV_THREADS=1` to keep autodev on one
/// core in a busy CI job.
public func availableWorkers(limit: Int = 4) -> Int {
    if let forced = threadsFromEnvironment { return forced }
    return max(1, min(limit, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
}

private let threadsFromEnvironment: Int? = {
    guard let raw = getenv("AUTODEV_THREADS"), let value = Int(String(cString: raw)), (1...64).contains(value) else { return nil }
    return value
}()

/// Starts a thread running `body`; nil if the system refuses (the caller then does the work).
private func startThread(_ body: @escaping @Sendable () -> Void) -> pthread_t? {
    final class Box: @unchecked Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    var thread = pthread_t()
    let result = pthread_create(&thread, nil, { argument in
        Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue().body()
        return nil
    }, box)
    if result != 0 {
        Unmanaged<Box>.fromOpaque(box).release()
        return nil
    }
    return thread
}

/// Result slots filled by concurrent workers.
///
/// `@unchecked Sendable` is safe here because each index is written by exactly one worker, no
/// slot is read until every worker thread has been joined (which orders every write before the
/// reads), and the storage is never resized.
public final class ResultSlots<T>: @unchecked Sendable {
    private var storage: UnsafeMutableBufferPointer<T?>

    public init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil)
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }

    public func set(_ index: Int, _ value: T) { storage[index] = value }
    public func get(_ index: Int) -> T? { storage[index] }
}

/// Hands out 0, 1, 2, … up to a limit, to any number of threads.
///
/// `@unchecked Sendable`: the counter is only read or written under the mutex.
final class WorkCounter: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var nextUnit = 0
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    var hasWork: Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return nextUnit < limit
    }

    func next() -> Int? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        guard nextUnit < limit else { return nil }
        nextUnit += 1
        return nextUnit - 1
    }
}
