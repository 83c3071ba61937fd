import Foundation
import Hummingbird
import Metering

/// Path segments that name something by its own text: an account's external id, a feature key.
///
/// The router matches the raw path, so a segment arrives percent-encoded (`acme%20corp%2Feu`):
/// an external id may hold spaces, slashes, `@` or any other character, and clients encode
/// them. A segment that is not valid percent-encoded UTF-8, or that decodes to a NUL (which
/// no stored text can hold), names nothing: nil, which the routes answer like an unknown name.
/// A decoded name is compared in Tally's identity form, NFC (`IdentityText`), as stored ids are.
enum APIPathText {
    /// The decoded parameter `name`, or nil when it can name nothing.
    static func decoded(_ name: String, _ context: AppRequestContext) throws -> String? {
        let raw = try context.parameters.require(name)
        // Most names need no decoding, and Foundation's decoder costs the entitlement check
        // about 5 % of its server CPU.
        guard raw.utf8.contains(UInt8(ascii: "%")) else { return IdentityText.normalized(raw) }
        guard let text = raw.removingPercentEncoding, !text.utf8.contains(0) else { return nil }
        return IdentityText.normalized(text)
    }
}
