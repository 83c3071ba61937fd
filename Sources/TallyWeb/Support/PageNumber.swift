import Hummingbird

/// The one reading of a list's `?page=`: 1-based, 1 when absent or not a whole number, and at most
/// `maximum`. A page number multiplies into an offset; clamping it here means no list computes
/// an offset past what its pages can hold, whatever a URL says.
enum PageNumber {
    /// The deepest page any list goes to.
    static let maximum = 100_000

    /// `text` as a page number.
    static func parse(_ text: (some StringProtocol)?) -> Int {
        guard let text, let number = Int(text) else { return 1 }
        return min(max(number, 1), maximum)
    }
}

extension Request {
    /// The list's `?page=` (see `PageNumber`).
    var pageNumber: Int {
        PageNumber.parse(uri.queryParameters.get("page"))
    }
}
