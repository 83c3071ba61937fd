import Foundation
import Metering
import TallyCrypto

/// Reads one event object field by field, collecting every problem.
struct EventReader {
    /// The event's count fields: one per token kind (in `TokenKind` order), then web searches.
    static let tokenFields = TokenKind.allCases.map(\.field) + ["web_search_queries"]

    let index: Int
    let value: JSONValue
    private(set) var problems: [EventProblem] = []
    private var id: String?
    private var fields = EventFields()

    init(index: Int, value: JSONValue) {
        self.index = index
        self.value = value
    }

    /// The normalised event, or nil when any field is wrong (see `problems`).
    mutating func read(settings: MeteringSettings, now: Date) -> UsageEvent? {
        guard case .object(let object) = value else {
            fail("event", "must be a JSON object")
            return nil
        }
        fields = EventFields(object)
        id = string("id", max: 128, required: true)
        for key in fields.unknown.sorted() { fail(key, "is not a known event field") }
        let account = string("account", max: 200, required: true)
        let feature = string("feature", max: 128)
        if settings.strictTagging, feature == nil, !problems.contains(where: { $0.field == "feature" }) {
            fail("feature", "is required: strict tagging is on")
        }
        let model = string("model", max: 200)
        let usage = tokens()
        let serviceTier = serviceTier()
        let outputUnits = count("output_units", max: MeteringBounds.maxOutputUnits) ?? 0
        let success = bool("success") ?? true
        let duration = count("duration_ms", max: MeteringBounds.maxDurationMS)
        let endUser = string("end_user", max: 256)
        let occurredAt = timestamp(now: now, lateWindowDays: settings.lateWindowDays)
        let cost = reportedCost()
        let metadata = metadataText()
        guard problems.isEmpty, let id, let account, let usage else { return nil }
        return UsageEvent(
            index: index, id: id, account: account, feature: feature, model: model, usage: usage, serviceTier: serviceTier,
            outputUnits: outputUnits, success: success, durationMS: duration, endUser: endUser,
            occurredAt: occurredAt, reportedCost: cost, metadata: metadata,
            // A defaulted occurred_at ("now") differs on every retry, so only a sent one is part of the payload.
            fingerprint: EventFingerprint.digest(
                id: id, account: account, feature: feature, model: model, usage: usage, serviceTier: serviceTier,
                outputUnits: outputUnits,
                success: success, durationMS: duration, endUser: endUser, costNanos: cost.map { Int64(truncatingIfNeeded: $0.nanos) },
                metadata: metadata,
                occurredAt: fields["occurred_at"] != nil ? occurredAt : nil))
    }

    private mutating func fail(_ field: String, _ message: String) {
        problems.append(EventProblem(index: index, id: id, field: field, message: message))
    }

    /// An id or key: 1 to `max` characters (Unicode code points, as JSON Schema and PostgreSQL
    /// count them) as sent, no NUL; returned in Tally's one identity form (`IdentityText`).
    private mutating func string(_ key: String, max: Int, required: Bool = false) -> String? {
        switch fields[key] {
        case nil, .null?:
            if required { fail(key, "is required") }
            return nil
        case .string(let text)?:
            // A text of at most `max` UTF-8 bytes has at most `max` code points: no need to count them.
            guard !text.isEmpty, text.utf8.count <= max || text.unicodeScalars.count <= max else {
                fail(key, "must be 1 to \(max) characters")
                return nil
            }
            guard !text.utf8.contains(0) else { fail(key, "must not contain NUL characters"); return nil }
            return IdentityText.normalized(text)
        default:
            fail(key, "must be a string")
            return nil
        }
    }

    private mutating func count(_ key: String, max: Int64) -> Int64? {
        switch fields[key] {
        case nil, .null?: return nil
        case .integer(let value)? where (0...max).contains(value): return value
        default:
            fail(key, "must be a whole number from 0 to \(Self.grouped(max))")
            return nil
        }
    }

    /// `1000000000` → `1,000,000,000`.
    static func grouped(_ value: Int64) -> String {
        Credits(millis: Int128(value) * 1_000).formatted
    }

    private mutating func bool(_ key: String) -> Bool? {
        switch fields[key] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        default:
            fail(key, "must be true or false")
            return nil
        }
    }

    /// The token fields, or the `usage` object in a provider's shape (`ProviderUsage`).
    private mutating func tokens() -> TokenUsage? {
        let sentTokenFields = Self.tokenFields.filter { fields[$0] != nil && fields[$0] != .null }
        guard let usage = fields["usage"], usage != .null else {
            // Only the fields sent are read: most events send two or three of the ten.
            guard !sentTokenFields.isEmpty else { return .zero }
            var counts = [Int64](repeating: 0, count: TokenKind.allCases.count)
            var queries: Int64 = 0
            for (offset, field) in Self.tokenFields.enumerated() where fields[field] != nil {
                let value = count(field, max: MeteringBounds.maxTokens) ?? 0
                if offset < counts.count { counts[offset] = value } else { queries = value }
            }
            return try? TokenUsage(counts: counts, webSearchQueries: queries)
        }
        guard sentTokenFields.isEmpty else {
            fail("usage", "send either usage or \(sentTokenFields.joined(separator: ", ")), not both")
            return nil
        }
        guard case .object = usage else { fail("usage", "must be an object"); return nil }
        do {
            let shape = try JSONDecoder().decode(ProviderUsage.self, from: Data(usage.canonical.utf8))
            // Each count as sent is bounded, like the event's own token fields; what Tally derives
            // from them is a part of one of them (Gemini's prompt + tool-use prompt: at most twice
            // the bound).
            let limit = MeteringBounds.maxTokens
            for (name, value) in shape.counts where value > limit {
                fail("usage", "\(name) must be at most \(Self.grouped(limit)) (got \(Self.grouped(value)))")
                return nil
            }
            return try TokenUsage(shape)
        } catch let error as UsageShapeError {
            fail("usage", error.description)
        } catch DecodingError.dataCorrupted(let context) {
            fail("usage", context.debugDescription)
        } catch {
            fail("usage", "token counts must be whole numbers, 0 or more")
        }
        return nil
    }

    /// `service_tier`: `standard` (also `default`, `auto`), `batch`, `flex` or `priority`.
    private mutating func serviceTier() -> ServiceTier {
        switch fields["service_tier"] {
        case nil, .null?: return .standard
        case .string(let text)? where ServiceTier(eventValue: text) != nil: return ServiceTier(eventValue: text)!
        default:
            fail("service_tier", "must be one of standard, batch, flex, priority (default and auto mean standard)")
            return .standard
        }
    }

    private mutating func timestamp(now: Date, lateWindowDays: Int) -> Date {
        guard let sent = fields["occurred_at"], sent != .null else { return now }
        guard case .string(let text) = sent, let date = RFC3339.parse(text) else {
            fail("occurred_at", "must be an RFC 3339 timestamp between the years 2000 and 9999, such as 2027-01-15T10:30:00Z")
            return now
        }
        if date > now.addingTimeInterval(EventValidator.maxFutureSkew) {
            fail("occurred_at", "is more than 5 minutes in the future")
        } else if date < now.addingTimeInterval(-Double(lateWindowDays) * 86_400) {
            fail("occurred_at", "is older than the late-event window (\(lateWindowDays) days)")
        }
        return date
    }

    private mutating func reportedCost() -> Money? {
        switch fields["cost_usd"] {
        case nil, .null?: return nil
        case .string(let text)?:
            do throws(AmountError) {
                let money = try Money(parsing: text, excess: .roundHalfEven)
                guard money >= .zero else { fail("cost_usd", "must not be negative"); return nil }
                // Compared as sent: 1000000.0000000001 would round to the bound, and is past it.
                guard money < MeteringBounds.maxEventCost
                        || (money == MeteringBounds.maxEventCost && !text.drop(while: { $0 != "." }).contains { $0 != "." && $0 != "0" })
                else {
                    fail("cost_usd", "must be at most \(MeteringBounds.maxEventCost.decimalString) (USD) for one event")
                    return nil
                }
                return money
            } catch {
                fail("cost_usd", error.description)
                return nil
            }
        default:
            fail("cost_usd", "must be a decimal string such as \"0.0123\" (a string keeps it exact)")
            return nil
        }
    }

    private mutating func metadataText() -> String? {
        switch fields["metadata"] {
        case nil, .null?: return nil
        case .object(let object)?:
            let text = JSONValue.object(object).canonical
            guard text.utf8.count <= EventValidator.maxMetadataBytes else { fail("metadata", "must be at most 4 KiB"); return nil }
            guard !text.contains("\\u0000") else { fail("metadata", "must not contain NUL characters"); return nil }
            return text
        default:
            fail("metadata", "must be a JSON object")
            return nil
        }
    }
}

/// An event object's fields, gathered in one pass over the object: reading a field is then a
/// switch over the known names, not a hash of the key (an event's fields are read about twenty
/// times, a thousand events a batch).
struct EventFields {
    private enum Name: Int, CaseIterable {
        case id, account, feature, model, inputTokens, cachedInputTokens, outputTokens, outputUnits, success,
             durationMS, endUser, occurredAt, costUSD, metadata, usage, cacheWrite5m, cacheWrite1h, reasoning,
             audioInput, audioOutput, imageInput, webSearchQueries, serviceTier

        init?(_ key: String) {
            switch key {
            case "id": self = .id
            case "account": self = .account
            case "feature": self = .feature
            case "model": self = .model
            case "input_tokens": self = .inputTokens
            case "cached_input_tokens": self = .cachedInputTokens
            case "output_tokens": self = .outputTokens
            case "output_units": self = .outputUnits
            case "success": self = .success
            case "duration_ms": self = .durationMS
            case "end_user": self = .endUser
            case "occurred_at": self = .occurredAt
            case "cost_usd": self = .costUSD
            case "metadata": self = .metadata
            case "usage": self = .usage
            case "cache_write_5m_tokens": self = .cacheWrite5m
            case "cache_write_1h_tokens": self = .cacheWrite1h
            case "reasoning_tokens": self = .reasoning
            case "audio_input_tokens": self = .audioInput
            case "audio_output_tokens": self = .audioOutput
            case "image_input_tokens": self = .imageInput
            case "web_search_queries": self = .webSearchQueries
            case "service_tier": self = .serviceTier
            default: return nil
            }
        }
    }

    private var values = [JSONValue?](repeating: nil, count: Name.allCases.count)
    /// The keys that name no event field.
    private(set) var unknown: [String] = []

    init() {}

    init(_ object: [String: JSONValue]) {
        for (key, value) in object {
            if let name = Name(key) {
                values[name.rawValue] = value
            } else {
                unknown.append(key)
            }
        }
    }

    /// The value sent for `key`, if any (JSON `null` included).
    subscript(key: String) -> JSONValue? {
        Name(key).flatMap { values[$0.rawValue] }
    }
}
