import Foundation
import HTTPTypes
import HummingbirdTesting
import MeteringStore
import NIOCore
import TallyDatabase
import TallyTestSupport
import TallyWebTestSupport
import Testing

/// External ids may hold any character but whitespace; clients percent-encode them in the path.
@Suite("External ids and feature keys in API paths")
struct ExternalIDPathTests {
    static let externalID = "acme+corp/ü@eu"
    static let encoded = "acme%2Bcorp%2F%C3%BC%40eu"

    @Test("a percent-encoded external id and feature key reach the account, for the check and the usage report")
    func percentEncodedNamesAreDecoded() async throws {
        try await MeteringHarness.with { harness in
            try await harness.catalog.createAccount(externalID: Self.externalID, name: "Acme Corp", planCode: "pro")
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                _ = try await client.postEvents(
                    [event("e1", account: "acme+corp/ü@eu", #""feature": "summarize", "occurred_at": "2027-02-20T11:00:00Z""#)],
                    key: key)
                let check = try await client.get("/api/v1/accounts/\(Self.encoded)/entitlements/summ%61rize", key: key)
                #expect(check.status == .ok)
                let body = try json(check)
                #expect(body["reason"] as? String == "ok")
                #expect((body["credits"] as? [String: Any])?["used"] as? Int == 1)
                let usage = try await client.get("/api/v1/accounts/\(Self.encoded)/usage?from=2027-02-01&to=2027-02-28", key: key)
                #expect(usage.status == .ok)
                #expect(String(buffer: usage.body).contains("\"events\":1"), "\(String(buffer: usage.body))")
            }
        }
    }

    @Test("a segment that can name nothing is an unknown name, never a server error")
    func undecodableNamesAreUnknown() async throws {
        try await MeteringHarness.with { harness in
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                // A malformed escape is a malformed URL: 400 before any route runs.
                let malformed = try await client.get("/api/v1/accounts/acme%zz/entitlements/summarize", key: key)
                #expect(malformed.status == .badRequest)
                // A NUL, and an escape that is not UTF-8.
                for account in ["acme%00", "%C3"] {
                    let check = try await client.get("/api/v1/accounts/\(account)/entitlements/summarize", key: key)
                    #expect(check.status == .notFound, "\(account): \(String(buffer: check.body))")
                    #expect(try json(check)["error"] as? String == "No account has this external id.")
                    let usage = try await client.get("/api/v1/accounts/\(account)/usage", key: key)
                    #expect(usage.status == .notFound, "\(account)")
                    // The key is still checked first.
                    let unknownKey = try await client.get("/api/v1/accounts/\(account)/entitlements/summarize", key: "tly_unknown")
                    #expect(unknownKey.status == .unauthorized)
                }
                let feature = try await client.get("/api/v1/accounts/acme/entitlements/summ%00arize", key: key)
                #expect(feature.status == .ok)
                #expect(try json(feature)["reason"] as? String == "not_in_plan")
            }
        }
    }

    @Test("a customer's key reads its own account by the encoded external id, and no other")
    func boundKeyMatchesTheDecodedExternalID() async throws {
        try await MeteringHarness.with { harness in
            let accountID = try await harness.catalog.createAccount(externalID: Self.externalID, name: "Acme Corp", planCode: "pro")
            let created = try await AccountAPIKeys(pool: harness.pool).create(
                name: "reports", accountID: accountID, by: .seed, now: harness.clock.now())
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                let own = try await client.get("/api/v1/accounts/\(Self.encoded)/usage", key: created.secret)
                #expect(own.status == .ok)
                let other = try await client.get("/api/v1/accounts/acme/usage", key: created.secret)
                #expect(other.status == .notFound)
            }
        }
    }
}
