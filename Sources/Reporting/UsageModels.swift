import Foundation
import Metering

/// Which rows of the usage page to keep: one feature and/or one model; nil keeps all.
/// `""` selects the unattributed (no feature) or no-model bucket.
public struct UsageFilter: Sendable, Hashable {
    /// A feature key, `""` for unattributed, nil for every feature.
    public var feature: String?
    /// A model id, `""` for no model, nil for every model.
    public var model: String?

    /// A filter.
    public init(feature: String? = nil, model: String? = nil) {
        self.feature = feature
        self.model = model
    }

    /// Whether a rollup row (with `""` for none) passes.
    public func admits(feature: String, model: String) -> Bool {
        (self.feature.map { $0 == feature } ?? true) && (self.model.map { $0 == model } ?? true)
    }
}

/// Usage of one local day, feature and model: a `daily_usage` row as the customer sees it.
public struct UsageCell: Sendable, Hashable {
    /// The local day.
    public let day: LocalDay
    /// The feature key; `""` for unattributed.
    public let feature: String
    /// The feature's display name ("Unattributed" for `""`; the key of an unregistered feature).
    public let featureLabel: String
    /// The model id; `""` for none.
    public let model: String
    /// Events.
    public let events: Int64
    /// Input, cached input and output tokens together.
    public var tokens: Int128 { tokenSum.value }
    /// Credits.
    public let credits: Credits
    private let tokenSum: WideInteger

    init(day: LocalDay, feature: String, featureLabel: String, model: String, events: Int64, tokens: Int128, credits: Credits) {
        self.day = day
        self.feature = feature
        self.featureLabel = featureLabel
        self.model = model
        self.events = events
        tokenSum = WideInteger(tokens)
        self.credits = credits
    }
}

/// One choice of a filter menu.
public struct UsageOption: Sendable, Hashable {
    /// The query value (`""` for the none bucket).
    public let key: String
    /// What the menu shows.
    public let label: String
}

/// The usage of a range: every (day, feature, model) cell that passes the filter, and the menus
/// (every feature and model with usage in the range, filtered or not).
public struct UsageBreakdown: Sendable, Hashable {
    /// The range.
    public let range: UsageRange
    /// The filter applied.
    public let filter: UsageFilter
    /// Cells passing the filter, ordered by day, feature key, model.
    public let cells: [UsageCell]
    /// Features with usage in the range.
    public let features: [UsageOption]
    /// Models with usage in the range.
    public let models: [UsageOption]
}

/// One event as the customer sees it: no cost, price or pricing flags.
public struct UsageEventRow: Sendable, Hashable {
    /// The operator's event id.
    public let eventID: String
    /// When it happened.
    public let occurredAt: Date
    /// The feature key; nil when unattributed.
    public let feature: String?
    /// The feature's name (the key when unregistered); nil when unattributed.
    public let featureName: String?
    /// The model; nil when none.
    public let model: String?
    /// Input, cached input and output tokens together.
    public var tokens: Int128 { tokenSum.value }
    /// Credits.
    public let credits: Credits
    /// Whether the call succeeded.
    public let success: Bool
    private let tokenSum: WideInteger

    init(
        eventID: String, occurredAt: Date, feature: String?, featureName: String?, model: String?, tokens: Int128,
        credits: Credits, success: Bool
    ) {
        self.eventID = eventID
        self.occurredAt = occurredAt
        self.feature = feature
        self.featureName = featureName
        self.model = model
        tokenSum = WideInteger(tokens)
        self.credits = credits
        self.success = success
    }
}

/// A page of the newest events in a range.
public struct UsageEventPage: Sendable, Hashable {
    /// The events, newest first.
    public let events: [UsageEventRow]
    /// The page number, from 1.
    public let page: Int
    /// Events in the range and filter, counted up to ``UsageReader/countLimit`` (exclusive).
    public let total: Int
    /// Whether there are more than ``UsageReader/countLimit`` events (`total` is then the cap).
    public let totalIsCapped: Bool
}

/// Everything the detail view shows of one event.
public struct UsageEventDetail: Sendable {
    /// The summary fields.
    public let row: UsageEventRow
    /// The local day it counts on.
    public let localDay: LocalDay
    /// When Tally received it.
    public let receivedAt: Date
    /// Uncached input tokens.
    public let inputTokens: Int64
    /// Cached input tokens.
    public let cachedInputTokens: Int64
    /// Output tokens.
    public let outputTokens: Int64
    /// The other token kinds and web searches, by label ("Reasoning tokens"), only those not zero.
    public let otherCounts: [(label: String, count: Int64)]
    /// Output units (images, seconds of audio, …).
    public let outputUnits: Int64
    /// The call's duration, when reported.
    public let durationMS: Int64?
}
