import Hummingbird

/// The one rule for the media type of a JSON request body: `application/json` (any case), with
/// no `charset` or `charset=utf-8`. JSON exchanged between systems is UTF-8 (RFC 8259, 8.1), so
/// a body that says it is Latin-1 is refused rather than read as something it says it is not.
/// Other parameters are ignored, as RFC 8259 defines none.
enum JSONMediaType {
    /// Throws 415 unless `request` says its body is UTF-8 JSON.
    static func require(_ request: Request) throws {
        guard accepts(request.headers[.contentType]) else {
            throw AppError(.unsupportedMediaType, "Send the body as Content-Type: application/json (UTF-8).")
        }
    }

    /// Whether a `Content-Type` header value names UTF-8 JSON.
    static func accepts(_ header: String?) -> Bool {
        guard let header else { return false }
        let parts = header.split(separator: ";", omittingEmptySubsequences: false)
        guard parts[0].trimmingSpaces.lowercased() == "application/json" else { return false }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingSpaces.lowercased() == "charset" else { continue }
            var value = pair[1].trimmingSpaces
            if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
            guard value.lowercased() == "utf-8" else { return false }
        }
        return true
    }
}

extension Substring {
    /// Without spaces and tabs at either end.
    fileprivate var trimmingSpaces: Substring {
        let text = { (character: Character) in character != " " && character != "\t" }
        guard let first = firstIndex(where: text), let last = lastIndex(where: text) else { return "" }
        return self[first...last]
    }
}
