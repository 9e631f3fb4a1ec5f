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
/// others. `makeContext(worker)` is called once per thread that takes work; worker 0 runs first
/// and may reuse something the caller owns, since the caller is blocked meanwhile. If a unit
/// throws, the first error (by unit order) is rethrown after every thread has finished.
public func runOnWorkers<Context, Result>(
    units: Int, workers: Int,
    makeContext: @escaping @Sendable (Int) throws -> Context,
    work: @escaping @Sendable (inout Context, Int) throws -> Result
) throws -> [Result] {
    let slots = ResultSlots<Swift.Result<Result, any Error>>(count: units)
    let queue = WorkCounter(limit: units)
    let body: @Sendable (Int) -> Void = { worker in
        guard queue.hasWork else { return }
        var context: Context
        do {
            context = try makeContext(worker)
        } catch {
            // This thread takes no work; the others (or the caller, below) do its share.
            return
        }
        while let unit = queue.next() {
            slots.set(unit, Swift.Result { try work(&context, unit) })
        }
    }
    // Plain threads rather than Dispatch: a Dispatch worker took ~3 ms to start on the first
    // use in a process, longer than a one-commit diff; pthread_create takes tens of microseconds.
    let threads = (1..<max(1, min(workers, units))).compactMap { worker in startThread { body(worker) } }
    body(0)
    for thread in threads { pthread_join(thread, nil) }
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

/// The number of worker threads worth starting: the online cores, at most `limit`.
public func availableWorkers(limit: Int = 4) -> Int {
    max(1, min(limit, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
}

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
