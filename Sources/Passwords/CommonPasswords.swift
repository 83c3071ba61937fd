import Foundation

/// The common-password list shipped in this module's bundle (`Resources/common-passwords.txt`).
///
/// One password per line; empty lines and lines starting with `#` (the source and licence header)
/// are skipped. See docs/passwords.md for where the list comes from.
public enum CommonPasswords {
    /// The bundled list, lowercased, read once on first use.
    ///
    /// A missing or unreadable file is a packaging error and stops the process: running without
    /// the list would silently accept the passwords it exists to refuse.
    public static let bundled: Set<String> = {
        guard let url = Bundle.module.url(forResource: "common-passwords", withExtension: "txt"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else {
            fatalError("common-passwords.txt is missing from the Passwords resource bundle")
        }
        return parse(text)
    }()

    /// Parses the list format: one entry per line, `#` comments and blank lines skipped, lowercased.
    public static func parse(_ text: String) -> Set<String> {
        var entries = Set<String>()
        for line in text.split(whereSeparator: \.isNewline) where !line.isEmpty && !line.hasPrefix("#") {
            entries.insert(line.lowercased())
        }
        return entries
    }
}
