import Foundation

/// Tally's one identity rule for ids and keys (event ids, account external ids, feature keys,
/// model ids, end users): text is compared in Unicode Normalization Form C.
///
/// Swift compares strings by canonical equivalence (`"café"` written with a combining accent
/// equals the precomposed one) while PostgreSQL compares bytes. Normalising every id to NFC
/// where it enters Tally (the ingest, API paths, forms and commands) makes the two agree: two
/// spellings of one text are one id in a batch, in the database and in a URL alike. NFC, not
/// NFD, because it is what almost every system already sends, so stored ids mostly stay byte
/// for byte what was sent. Lengths are counted as sent; a few rare characters grow under NFC
/// (at most `maxExpansion` times), so stored columns allow for that.
public enum IdentityText {
    /// The most NFC can lengthen a text, in code points (Unicode Standard Annex #15).
    public static let maxExpansion = 3

    /// `text` in NFC; ASCII text (all of it, almost always) is returned as it is.
    public static func normalized(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 0x80 }) else { return text }
        return text.precomposedStringWithCanonicalMapping
    }
}
