import Foundation

/// The units waiting for a lane: lanes block here until there is work or the pipeline closes.
final class UnitQueue: @unchecked Sendable {
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var units: [SharedPipeline.Unit] = []
    private var isClosed = false

    /// How many units wait.
    var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return units.count
    }

    /// Queues `unit`; false once closed.
    func put(_ unit: SharedPipeline.Unit) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !isClosed else { return false }
        units.append(unit)
        condition.signal()
        return true
    }

    /// Every waiting unit (at most `limit`), blocking until there is one; nil once closed.
    func take(limit: Int) -> [SharedPipeline.Unit]? {
        condition.lock()
        defer { condition.unlock() }
        while units.isEmpty && !isClosed { condition.wait() }
        guard !isClosed else { return nil }
        let taken = Array(units.prefix(limit))
        units.removeFirst(taken.count)
        // More left: wake another lane for them.
        if !units.isEmpty { condition.signal() }
        return taken
    }

    /// Closes the queue and returns the units nobody took.
    func close() -> [SharedPipeline.Unit] {
        condition.lock()
        defer { condition.unlock() }
        isClosed = true
        condition.broadcast()
        defer { units = [] }
        return units
    }
}
