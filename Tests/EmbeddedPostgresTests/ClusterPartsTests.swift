import Foundation
import Testing

@testable import EmbeddedPostgres

/// The pieces that need no server: quoting, binary search order, settings.
@Suite("Cluster parts")
struct ClusterPartsTests {
    @Test("conninfo values are quoted only when needed")
    func conninfoQuoting() {
        #expect(conninfoValue("/srv/tally/run") == "/srv/tally/run")
        #expect(conninfoValue("/my data/run") == "'/my data/run'")
        #expect(conninfoValue("it's") == "'it\\'s'")
        #expect(conninfoValue("") == "''")
    }

    @Test("shell quoting survives single quotes")
    func shellQuoting() {
        #expect(shellQuoted("/a b/it's") == "'/a b/it'\\''s'")
    }

    @Test("versioned folders: the existing cluster's version first, else the highest")
    func versionedFolderOrder() throws {
        try withFakeVersionedRoot(versions: ["13", "15", "9.6"]) { (root: String) throws in
            let search = BinarySearch(pathEntries: [], versionedRoots: [root])
            #expect(try ClusterBinaries.locate(search, preferredMajor: nil).directory == root + "/15/bin")
            #expect(try ClusterBinaries.locate(search, preferredMajor: 13).directory == root + "/13/bin")
            #expect(try ClusterBinaries.locate(search, preferredMajor: 11).directory == root + "/15/bin")
        }
    }

    @Test("a path folder needs both initdb and pg_ctl")
    func pathFolderNeedsBothPrograms() throws {
        try withFakeVersionedRoot(versions: ["15"]) { (root: String) throws in
            let onlyInitdb = root + "/only-initdb"
            try FileManager.default.createDirectory(atPath: onlyInitdb, withIntermediateDirectories: true)
            try makeExecutable(onlyInitdb + "/initdb")
            let search = BinarySearch(pathEntries: [onlyInitdb], versionedRoots: [root])
            #expect(try ClusterBinaries.locate(search, preferredMajor: nil).directory == root + "/15/bin")
        }
    }

    @Test("fast durability turns off fsync, synchronous commit and full page writes")
    func fastSettings() {
        let settings = ClusterSettings(port: 5433, socketDirectory: "/srv/it's/run", maxConnections: 50, durability: .fast, sharedBuffersMiB: 128)
        let text = settings.fileContents
        #expect(text.contains("port = 5433\n"))
        #expect(text.contains("unix_socket_directories = '/srv/it''s/run'\n"))
        #expect(text.contains("unix_socket_permissions = 0700\n"))
        #expect(text.contains("max_connections = 50\n"))
        for name in ["fsync", "synchronous_commit", "full_page_writes"] {
            #expect(text.contains("\(name) = off\n"))
        }
        #expect(text.contains("max_wal_size = 4GB\n"))
    }

    @Test("shared_buffers is an eighth of memory, between 128 MiB and 2 GiB")
    func sharedBuffers() {
        let gib: UInt64 = 1 << 30
        #expect(ClusterSettings.sharedBuffers(forPhysicalMemory: gib / 2) == 128)
        #expect(ClusterSettings.sharedBuffers(forPhysicalMemory: 8 * gib) == 1_024)
        #expect(ClusterSettings.sharedBuffers(forPhysicalMemory: 64 * gib) == 2_048)
        let settings = ClusterSettings(port: 5433, socketDirectory: "/run", maxConnections: 50, durability: .full, sharedBuffersMiB: 512)
        #expect(settings.fileContents.contains("shared_buffers = 512MB\n"))
    }

    @Test("relative data folders resolve against the working directory")
    func relativeFolder() throws {
        let layout = try ClusterLayout(dataDirectory: ".tally/postgres", port: 5432)
        #expect(layout.root == FileManager.default.currentDirectoryPath + "/.tally/postgres")
        #expect(layout.displayPath == ".tally/postgres")
        #expect(layout.socketDirectory == layout.root + "/run")
    }

    private func withFakeVersionedRoot(versions: [String], _ body: (String) throws -> Void) throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        for version in versions {
            let bin = folder.path + "/" + version + "/bin"
            try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
            try makeExecutable(bin + "/initdb")
            try makeExecutable(bin + "/pg_ctl")
        }
        try body(folder.path)
    }

    private func makeExecutable(_ path: String) throws {
        try "#!/bin/sh\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
    }
}
