import Foundation

/// Reads `multipart/form-data` bodies (RFC 7578): the one form that uploads a file, the price
/// list import. Every part is a text field by its `name` (a file part's contents as UTF-8 text);
/// nothing is written to disk.
enum MultipartBody {
    /// The `boundary` parameter of a `multipart/form-data` content type.
    static func boundary(contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            let value = pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2
                ? String(pair[1].dropFirst().dropLast()) : pair[1]
            return (1...70).contains(value.utf8.count) ? value : nil
        }
        return nil
    }

    /// The fields of `body`, in order; nil when the body is not well-formed multipart or a
    /// field is not UTF-8.
    static func fields(_ body: [UInt8], boundary: String) -> [(name: String, value: String)]? {
        let delimiter = Array("--\(boundary)".utf8)
        var fields: [(name: String, value: String)] = []
        guard var start = find(delimiter, in: body, from: 0) else { return nil }
        start += delimiter.count
        while true {
            // After a delimiter: `--` ends the body; otherwise CRLF and a part.
            if body.count >= start + 2, body[start] == UInt8(ascii: "-"), body[start + 1] == UInt8(ascii: "-") { return fields }
            guard body.count >= start + 2, body[start] == 0x0D, body[start + 1] == 0x0A else { return nil }
            let partStart = start + 2
            guard let next = find([0x0D, 0x0A] + delimiter, in: body, from: partStart),
                  let headerEnd = find([0x0D, 0x0A, 0x0D, 0x0A], in: body, from: partStart), headerEnd <= next
            else { return nil }
            guard let headers = String(validating: body[partStart..<headerEnd], as: UTF8.self),
                  let name = fieldName(headers),
                  let value = String(validating: body[(headerEnd + 4)..<next], as: UTF8.self)
            else { return nil }
            fields.append((name, value))
            start = next + 2 + delimiter.count
        }
    }

    /// `name` of the part's `Content-Disposition: form-data; name="…"`.
    private static func fieldName(_ headers: String) -> String? {
        for line in headers.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
            for parameter in line.split(separator: ";").dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if pair.count == 2, pair[0] == "name", pair[1].count >= 2, pair[1].hasPrefix("\""), pair[1].hasSuffix("\"") {
                    return String(pair[1].dropFirst().dropLast())
                }
            }
        }
        return nil
    }

    /// The first index of `needle` in `haystack` at or after `from`.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        let first = needle[0], last = haystack.count - needle.count
        var index = from
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    /// The fields as `application/x-www-form-urlencoded` text, so one decoder reads both kinds
    /// of form.
    static func urlEncoded(_ fields: [(name: String, value: String)]) -> String {
        fields.map { encode($0.name) + "=" + encode($0.value) }.joined(separator: "&")
    }

    private static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }
}
