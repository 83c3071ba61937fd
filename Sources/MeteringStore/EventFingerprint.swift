import Foundation
import Metering
import TallyCrypto

/// The fingerprint of an event: SHA-256 of its normalised payload as canonical JSON.
///
/// The payload is the object `{"account", "cached", "cost", "duration", "end_user", "feature",
/// "id", "input", "metadata", "model", "occurred_at" (only when sent), "output", "success",
/// "units"}`, plus the keys of the kinds added later only when not zero (`audio_input`,
/// `audio_output`, `cache_write_1h`, `cache_write_5m`, `image_input`, `reasoning`,
/// `web_search_queries`) and `service_tier` only when not `standard`, written exactly as `JSONValue.canonical` writes that object (keys sorted, no spaces,
/// strings escaped by `JSONValue.appendQuoted`'s rule). Stored events keep their fingerprints,
/// so these bytes must never change; `EventFingerprintTests` holds this writer to the generic
/// one and to fixed digests.
///
/// The keys are fixed, so they are written in their sorted order straight into bytes: no pairs,
/// no sort and no intermediate strings per event, which the ingest paid for every event.
struct EventFingerprint {
    private var out: [UInt8] = []

    /// The digest of the normalised payload.
    static func digest(
        id: String, account: String, feature: String?, model: String?, usage: TokenUsage, serviceTier: ServiceTier, outputUnits: Int64,
        success: Bool, durationMS: Int64?, endUser: String?, costNanos: Int64?, metadata: String?,
        occurredAt: Date?
    ) -> [UInt8] {
        var writer = EventFingerprint()
        writer.out.reserveCapacity(256 + (metadata?.utf8.count ?? 0))
        writer.key("account", first: true); writer.string(account)
        // The kinds added later appear only when used, so every event stored before them keeps
        // its fingerprint.
        writer.optional("audio_input", usage.audioInput)
        writer.optional("audio_output", usage.audioOutput)
        writer.optional("cache_write_1h", usage.cacheWrite1h)
        writer.optional("cache_write_5m", usage.cacheWrite5m)
        writer.key("cached"); writer.integer(usage.cachedInput)
        writer.key("cost"); writer.integer(costNanos)
        writer.key("duration"); writer.integer(durationMS)
        writer.key("end_user"); writer.string(endUser)
        writer.key("feature"); writer.string(feature)
        writer.key("id"); writer.string(id)
        writer.optional("image_input", usage.imageInput)
        writer.key("input"); writer.integer(usage.input)
        writer.key("metadata"); writer.string(metadata)
        writer.key("model"); writer.string(model)
        if let occurredAt {
            // As `JSONValue.number`: Swift's shortest round-trip text of the Double.
            let seconds = occurredAt.timeIntervalSince1970
            writer.key("occurred_at"); writer.raw(seconds.isFinite ? "\(seconds)" : "null")
        }
        writer.key("output"); writer.integer(usage.output)
        writer.optional("reasoning", usage.reasoning)
        if serviceTier != .standard { writer.key("service_tier"); writer.string(serviceTier.rawValue) }
        writer.key("success"); writer.raw(success ? "true" : "false")
        writer.key("units"); writer.integer(outputUnits)
        writer.optional("web_search_queries", usage.webSearchQueries)
        writer.out.append(UInt8(ascii: "}"))
        return SHA256.hash(writer.out)
    }

    private mutating func key(_ name: StaticString, first: Bool = false) {
        out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    /// `key` and `value`, only when `value` is not zero.
    private mutating func optional(_ name: StaticString, _ value: Int64) {
        guard value != 0 else { return }
        key(name)
        integer(value)
    }

    private mutating func raw(_ text: String) {
        out.append(contentsOf: text.utf8)
    }

    private mutating func integer(_ value: Int64?) {
        // A 64-bit number's text fits a small string: no allocation.
        raw(value.map { String($0) } ?? "null")
    }

    /// `JSONValue.appendQuoted`, on bytes: `"` and `\` escaped with a backslash, other bytes
    /// below 0x20 (each a whole scalar in UTF-8) as `\u00xx`, everything else as it is.
    private mutating func string(_ text: String?) {
        guard let text else { return raw("null") }
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case ..<0x20:
                out.append(contentsOf: "\\u00".utf8)
                out.append(Self.hexDigit(byte >> 4))
                out.append(Self.hexDigit(byte & 0x0F))
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
