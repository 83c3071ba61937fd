import Foundation
import Postgres
import TallyAccess
import TallyDatabase
import TallyTestSupport
import TallyWeb
import TallyWebTestSupport

/// One row per account in every account-data table, so the catalogue-wide RLS tests never pass
/// vacuously. A table that row-level security must cover and that has no seed here fails those
/// tests by name: add a seed for it (one row for `account`, in the service scope).
enum AccountDataSeeds {
    /// Seeds for tables that plain SQL can fill, keyed by table name.
    static let sql: [String: @Sendable (Int64) -> PostgresQuery] = [
        "usage_events": { account in
            """
            INSERT INTO usage_events (account_id, event_id, input_tokens, cached_input_tokens, output_tokens,
                                      output_units, success, occurred_at, received_at, local_day, period_start,
                                      cost, unpriced, credits, fingerprint)
            VALUES (\(account), 'seed', 0, 0, 0, 0, true, now(), now(), current_date, now(), 0, true, 0,
                    decode(repeat('00', 32), 'hex'))
            """
        },
        "daily_usage": { account in
            """
            INSERT INTO daily_usage (account_id, local_day, feature_key, model, events, failures, input_tokens,
                                     cached_input_tokens, output_tokens, cost, credits, latency)
            VALUES (\(account), current_date, '', '', 0, 0, 0, 0, 0, 0, 0, array_fill(0::bigint, ARRAY[20]))
            """
        },
        "period_usage": { account in
            "INSERT INTO period_usage (account_id, period_start, feature_key, events, credits, cost) VALUES (\(account), now(), '', 0, 0, 0)"
        },
        "audit_log": { account in
            "INSERT INTO audit_log (at, actor, action, object_kind, object_id, account_id) VALUES (now(), 'seed', 'account.seed', 'account', \(String(account)), \(account))"
        },
        "alerts": { account in
            "INSERT INTO alerts (account_id, rule, level, dedupe_key, message, fired_at) VALUES (\(account), 'credits_used', 'info', 'seed', 'seed', now())"
        },
        "credit_grants": { account in
            "INSERT INTO credit_grants (account_id, kind, amount, granted_at) VALUES (\(account), 'top_up', 0, now())"
        },
        "top_up_requests": { account in
            "INSERT INTO top_up_requests (account_id, credits, requested_at) VALUES (\(account), 1000, now())"
        },
        "invitations": { account in
            """
            INSERT INTO invitations (account_id, email, role, token_hash, created_at, expires_at)
            VALUES (\(account), 'seed@rls.test', 'member', sha256(convert_to(\("invitation \(account)"), 'UTF8')), now(),
                    now() + interval '7 days')
            """
        },
        "api_keys": { account in
            """
            INSERT INTO api_keys (name, prefix, key_hash, scope, created_at, account_id)
            VALUES ('seed', \("tly_seed\(account)"), sha256(convert_to(\("key \(account)"), 'UTF8')), 'read', now(), \(account))
            """
        },
    ]

    /// Two accounts, A and B, each with an owner, a member and a session, plus a staff user, and
    /// a seed row for each in every other account-data table. Returns the accounts and the
    /// tables that have no seed.
    static func plant(_ harness: WebHarness) async throws -> (a: Account, b: Account, unseeded: [String]) {
        for (account, prefix) in [("rls-alpha", "alpha"), ("rls-bravo", "bravo")] {
            let owner = try await harness.createUser("\(prefix)-owner@rls.test", role: .owner, account: account)
            try await harness.createUser("\(prefix)-member@rls.test", role: .member, account: account)
            _ = try await harness.access.sessions.create(for: owner, now: harness.clock.now())
        }
        let staff = try await harness.createUser("staff@rls.test", role: .admin, account: nil)
        _ = try await harness.access.sessions.create(for: staff, now: harness.clock.now())
        let a = try await requireAccount(harness, "rls-alpha")
        let b = try await requireAccount(harness, "rls-bravo")
        let database = harness.pool
        var unseeded: [String] = []
        let connection = try await harness.database.connect(as: .app)
        defer { connection.close() }
        for table in try await DatabaseRoles.accountDataTables(on: connection) {
            guard !["accounts", "users", "sessions"].contains(table.name) else { continue }
            guard let seed = sql[table.name] else {
                unseeded.append(table.name)
                continue
            }
            for account in [a, b] {
                try await database.withTransaction(scope: .service) { try await $0.execute(seed(account.id)) }
            }
        }
        return (a, b, unseeded)
    }
}

/// The account with this external id, or a thrown error.
private func requireAccount(_ harness: WebHarness, _ externalID: String) async throws -> Account {
    guard let account = try await harness.access.accounts.find(externalID: externalID) else {
        throw MatrixError("account \(externalID) was not created")
    }
    return account
}
