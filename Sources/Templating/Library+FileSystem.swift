import Foundation

/// What a template file looked like when it was read, to notice changes.
struct FileStamp: Sendable, Equatable {
    /// The modification time.
    let modified: Date
    /// The size in bytes.
    let size: Int
}

// All file I/O of the template engine lives here.
extension TemplateLibrary {
    /// The extension template files carry.
    public static let fileExtension = "mustache"

    /// Loads every `*.mustache` file under `directory`, named by its relative path without the
    /// extension (`layout`, `partials/header`).
    ///
    /// - Throws: ``TemplateError`` naming the file, line and column of the first parse error or
    ///   (strict) missing partial or parent; `unreadable` when the directory or a file can't be read.
    public convenience init(directory: String, options: Options = Options()) throws(TemplateError) {
        let snapshot = try TemplateLibrary.load(directory: directory, options: options)
        try self.init(snapshot: snapshot, options: options, directory: directory)
    }

    /// Reads and parses every template file under `directory`.
    static func load(directory: String, options: Options) throws(TemplateError) -> Snapshot {
        let stamps = try stamps(in: directory)
        var templates: [String: Template] = [:]
        for relative in stamps.keys.sorted() {
            let path = (directory as NSString).appendingPathComponent(relative)
            let source: String
            do {
                source = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw TemplateError(.unreadable(error.localizedDescription), template: path, line: 0, column: 0)
            }
            let name = String(relative.dropLast(fileExtension.count + 1))
            templates[name] = try Template(source, name: name, sourceName: path, maxDepth: options.maxDepth)
        }
        return Snapshot(templates: templates, stamps: stamps)
    }

    /// The template files under `directory` (relative paths) with their stamps.
    static func stamps(in directory: String) throws(TemplateError) -> [String: FileStamp] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
            let enumerator = manager.enumerator(atPath: directory)
        else {
            throw TemplateError(.unreadable("not a directory"), template: directory, line: 0, column: 0)
        }
        var stamps: [String: FileStamp] = [:]
        while let relative = enumerator.nextObject() as? String {
            guard relative.hasSuffix("." + fileExtension) else { continue }
            let path = (directory as NSString).appendingPathComponent(relative)
            guard let attributes = try? manager.attributesOfItem(atPath: path),
                attributes[.type] as? FileAttributeType != .typeDirectory
            else { continue }
            let modified = attributes[.modificationDate] as? Date ?? .distantPast
            let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
            stamps[relative] = FileStamp(modified: modified, size: size)
        }
        return stamps
    }
}
