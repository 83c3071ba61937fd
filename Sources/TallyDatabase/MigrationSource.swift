import Foundation
import TallyCrypto

/// Reads `NNNN_name.sql` files from a folder.
public enum MigrationSource {
    /// Every migration in `folder`, in version order. Other files are ignored; a `.sql` file with
    /// a bad name or a repeated version is an error.
    public static func load(from folder: String) throws(MigrationError) -> [Migration] {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw .folderUnreadable(path: folder)
        }
        var migrations: [Migration] = []
        for file in files.sorted() where file.hasSuffix(".sql") {
            let name = String(file.dropLast(4))
            guard let version = version(of: name) else { throw .badFileName(file) }
            guard let data = FileManager.default.contents(atPath: folder + "/" + file) else {
                throw .folderUnreadable(path: folder + "/" + file)
            }
            migrations.append(
                Migration(
                    version: version, name: name, sql: String(decoding: data, as: UTF8.self),
                    checksum: SHA256.hex(data)))
        }
        let byVersion = Dictionary(grouping: migrations, by: \.version)
        if let (version, clash) = byVersion.first(where: { $0.value.count > 1 }) {
            throw .duplicateVersion(version, clash.map { $0.name + ".sql" })
        }
        return migrations.sorted { $0.version < $1.version }
    }

    /// `0012_add_prices` → 12; nil unless the name is digits, an underscore and a description.
    static func version(of name: String) -> Int? {
        let parts = name.split(separator: "_", maxSplits: 1)
        guard parts.count == 2, parts[0].count >= 4, parts[0].allSatisfy(\.isASCII),
            let version = Int(parts[0]), !parts[1].isEmpty
        else { return nil }
        return version
    }
}
