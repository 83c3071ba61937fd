import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import HummingbirdTesting
import Metering
import MeteringStore
import Postgres
import Synchronization
import TallyAccess
import TallyDatabase
import TallyTestSupport
import TallyWeb

/// A clock tests move by hand.
final class TestClock: WallClock {
    private let current: Mutex<Date>

    init(_ start: Date) { current = Mutex(start) }

    func now() -> Date { current.withLock { $0 } }

    func set(_ date: Date) { current.withLock { $0 = date } }
}

/// `2027-02-20T12:00:00Z`-style instants for tests.
func instant(_ text: String) -> Date {
    try! Date.ISO8601FormatStyle().parse(text)
}

/// A migrated database with a small catalog: plan `pro` (block, 100 credits included, no grace),
/// plan `payg` (charge), features `summarize` (1 credit per event) and `chat` (2 credits per 1k
/// tokens), gpt-4o priced from 2027-01-01, account `acme` on `pro` in UTC, and an ingest key.
struct MeteringHarness: Sendable {
    let database: TestDatabase
    let pool: PostgresPool
    let clock: TestClock
    let catalog: CatalogStore
    let ingestKey: String

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let start = instant("2027-02-20T12:00:00Z")

    static func with(_ body: (MeteringHarness) async throws -> Void) async throws {
        try await TestDatabase.with { database in
            let pool = database.makePool()
            do {
                let harness = try await make(database: database, pool: pool)
                try await body(harness)
                await pool.shutdown()
            } catch {
                await pool.shutdown()
                throw error
            }
        }
    }

    private static func make(database: TestDatabase, pool: PostgresPool) async throws -> MeteringHarness {
        let catalog = CatalogStore(pool: pool, actor: .seed)
        try await catalog.createPlan(PlanDraft(
            code: "pro", name: "Pro", monthlyFee: Money(dollars: 49), includedCredits: .limited(Credits(credits: 100)),
            overage: .block(grace: .zero)))
        try await catalog.createPlan(PlanDraft(
            code: "payg", name: "Pay as you go", includedCredits: .limited(.zero),
            overage: .charge(pricePerCredit: Money(parsing: "0.01"))))
        try await catalog.createFeature(key: "summarize", name: "Summarize", rule: .perEvent(Credits(credits: 1)))
        try await catalog.createFeature(key: "chat", name: "Chat", rule: .perThousandTokens(Credits(credits: 2)))
        for plan in ["pro", "payg"] {
            for feature in ["summarize", "chat"] {
                try await catalog.setEntitlement(planCode: plan, featureKey: feature, entitlement: Entitlement(enabled: true))
            }
        }
        try await catalog.addPrice(PriceDraft(
            model: "gpt-4o", input: PricePerMillionTokens(parsing: "2.5"), cachedInput: PricePerMillionTokens(parsing: "1.25"),
            output: PricePerMillionTokens(parsing: "10"), effectiveFrom: instant("2027-01-01T00:00:00Z")))
        try await catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
        let key = try await APIKeyStore(pool: pool).create(name: "backend", scope: .ingest, now: start)
        return MeteringHarness(
            database: database, pool: pool, clock: TestClock(start), catalog: catalog, ingestKey: key.secret)
    }

    func makeApp() throws -> some ApplicationProtocol {
        Application(router: try makeRouter(), logger: database.logger)
    }

    /// The production router over this harness's database.
    func makeRouter() throws -> Router<AppRequestContext> {
        var configuration = ServerConfiguration(
            publicDirectory: Self.repositoryRoot + "/public", templatesDirectory: Self.repositoryRoot + "/templates")
        configuration.docsDirectory = Self.repositoryRoot + "/docs"
        let pages = try Pages(directory: Self.repositoryRoot + "/templates", reloadOnChange: false, strict: true, logger: database.logger)
        let access = AccessServices(pool: pool, clock: clock, logger: database.logger)
        let services = AppServices(pool: pool, migrations: database.migrations, pages: pages, access: access)
        return TallyApplication.makeRouter(configuration: configuration, services: services, logger: database.logger)
    }

    /// Runs `body` with a test client of the app.
    func withClient(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await makeApp().test(.router) { client in try await body(client) }
    }

    /// Runs `sql` in the service scope and returns its rows.
    func rows(_ query: PostgresQuery) async throws -> PostgresRows {
        try await pool.withTransaction(scope: .service) { try await $0.query(query) }
    }
}

/// HTTP helpers.
extension TestClientProtocol {
    /// POSTs `{"events": events}` with the key.
    @discardableResult
    func postEvents(_ events: [String], key: String, contentType: String = "application/json") async throws -> TestResponse {
        try await postRaw("{\"events\": [" + events.joined(separator: ",") + "]}", key: key, contentType: contentType)
    }

    /// POSTs a raw body to /api/v1/events.
    func postRaw(_ body: String, key: String?, contentType: String = "application/json") async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: contentType]
        if let key { headers[.authorization] = "Bearer \(key)" }
        return try await execute(uri: "/api/v1/events", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    /// GETs `uri` with the key.
    func get(_ uri: String, key: String?) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let key { headers[.authorization] = "Bearer \(key)" }
        return try await execute(uri: uri, method: .get, headers: headers)
    }
}

/// The JSON body of a response.
func json(_ response: TestResponse) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any] ?? [:]
}

/// An event's JSON text from fields.
func event(_ id: String, account: String = "acme", _ extra: String = "") -> String {
    "{\"id\": \"\(id)\", \"account\": \"\(account)\"" + (extra.isEmpty ? "" : ", " + extra) + "}"
}

extension TestResponse {
    /// The body as text.
    var text: String { String(buffer: body) }
}
