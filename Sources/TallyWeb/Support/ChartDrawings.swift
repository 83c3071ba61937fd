import SVGCharts
import Synchronization

/// The last drawing of each chart slot, so that a page view whose charts equal those of the
/// previous view does not draw them again.
///
/// The dashboard draws six charts and four tables on every view, yet between two views of one
/// account they change only when events are ingested. Drawing is a pure function of the chart
/// value (the golden files pin it), so this is memoization, not a cache of data: a slot (such as
/// `dashboard.daily.<account>`) keeps one chart value and its drawing, and a lookup returns that
/// drawing only when the stored value `==` the one asked for (every point, label, reference
/// line, id prefix, title, format and size); otherwise it draws and the new drawing replaces the
/// old. A slot names where to look, never what to return, so a stale drawing cannot be shown.
/// Swift compares strings by canonical equivalence: labels that differ only in their Unicode
/// normalization share a drawing, whose text reads the same.
///
/// Bounded by `slotLimit` slots and `byteLimit` bytes of markup. When a new drawing would pass
/// either bound, every slot is dropped: no order to keep up on each hit, and the views after a
/// drop draw as they would without the memo. A drawing larger than `byteLimit` is not kept.
///
/// One instance serves an application (``TallyApplication/makeRouter(configuration:services:logger:)``
/// makes it), shared by all requests: thread-safe behind a `Mutex`, which is held only to read
/// or replace a slot, never while drawing or comparing.
public final class ChartDrawings: Sendable {
    /// Slots kept at most by default: the dashboard uses four per account and the usage page one.
    public static let defaultSlotLimit = 4_096
    /// Bytes of markup kept at most by default (64 MiB).
    public static let defaultByteLimit = 64 << 20

    /// Slots kept at most.
    public let slotLimit: Int
    /// Bytes of markup (SVG and table HTML, as UTF-8) kept at most.
    public let byteLimit: Int
    private let state = Mutex(State())

    /// An empty memo with the given bounds.
    public init(slotLimit: Int = defaultSlotLimit, byteLimit: Int = defaultByteLimit) {
        self.slotLimit = max(slotLimit, 1)
        self.byteLimit = max(byteLimit, 0)
    }

    /// The drawing of `chart` (and of `narrow`, its phone drawing): the one kept in `slot` when
    /// that was drawn from equal charts, else a new drawing, which `slot` then keeps.
    public func drawing<C: Chart>(of chart: C, narrow: C? = nil, slot: String) -> ChartDrawing {
        let charts = Charts(chart: chart, narrow: narrow)
        if let kept = state.withLock({ $0.slots[slot] }), (kept.charts as? Charts<C>) == charts {
            return kept.drawing
        }
        let drawing = ChartDrawing(chart, narrow: narrow)
        keep(Kept(charts: charts, drawing: drawing, byteCount: drawing.byteCount), in: slot)
        return drawing
    }

    /// The number of slots kept now.
    public var count: Int {
        state.withLock { $0.slots.count }
    }

    /// The bytes of markup kept now.
    public var byteCount: Int {
        state.withLock { $0.byteCount }
    }

    private func keep(_ kept: Kept, in slot: String) {
        state.withLock { state in
            if let replaced = state.slots.removeValue(forKey: slot) { state.byteCount -= replaced.byteCount }
            guard kept.byteCount <= byteLimit else { return }
            if state.slots.count >= slotLimit || state.byteCount + kept.byteCount > byteLimit {
                state = State()
            }
            state.slots[slot] = kept
            state.byteCount += kept.byteCount
        }
    }

    /// What a drawing was drawn from: the key compared with `==`.
    private struct Charts<C: Chart>: Equatable, Sendable {
        let chart: C
        let narrow: C?
    }

    private struct Kept: Sendable {
        /// A `Charts<C>` of the chart type drawn in this slot.
        let charts: any Sendable
        let drawing: ChartDrawing
        let byteCount: Int
    }

    private struct State {
        var slots: [String: Kept] = [:]
        var byteCount = 0
    }
}
