import Foundation
import Postgres
import TallyDatabase

/// What is wrong with rule settings (thrown as `Refused<AlertRuleProblem>`).
public enum AlertRuleProblem: Hashable, Sendable {
    /// Not 1 to 10 whole percentages from 1 to 1000.
    case creditThresholds
    /// The critical margin is not below the warning margin.
    case marginOrder
    /// The spike multiple is not above 1.
    case spikeMultiplier
    /// The spike's minimum cost is negative.
    case spikeMinimum
    /// A cooldown is not 1 to 100,000 minutes.
    case marginCooldown, spikeCooldown, unpricedCooldown
}

/// Reads and changes `alert_rules` (operator configuration: every scope may read it).
public struct AlertRuleStore: Sendable {
    let pool: PostgresPool

    /// A store over `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The current settings.
    public func load() async throws -> AlertRuleSettings {
        try await pool.withTransaction(scope: .service) { try await Self.load(on: $0) }
    }

    /// The current settings, on a connection already in a transaction.
    public static func load(on connection: PostgresConnection) async throws -> AlertRuleSettings {
        let rows = try await connection.query(
            """
            SELECT credits_enabled, credit_thresholds, margin_enabled, margin_warning_bp, margin_critical_bp,
                   margin_cooldown_minutes, spike_enabled, spike_multiplier_bp, spike_minimum_cost,
                   spike_cooldown_minutes, unpriced_enabled, unpriced_cooldown_minutes, cap_enabled
            FROM alert_rules
            """)
        var settings = AlertRuleSettings()
        guard let row = rows.first else { return settings }
        settings.creditsEnabled = try row.decode(Bool.self, at: 0)
        settings.creditThresholds = try row.decode([Int].self, at: 1)
        settings.marginEnabled = try row.decode(Bool.self, at: 2)
        settings.marginWarningBP = try row.decode(Int64.self, at: 3)
        settings.marginCriticalBP = try row.decode(Int64.self, at: 4)
        settings.marginCooldownMinutes = try row.decode(Int.self, at: 5)
        settings.spikeEnabled = try row.decode(Bool.self, at: 6)
        settings.spikeMultiplierBP = try row.decode(Int64.self, at: 7)
        settings.spikeMinimumCost = try row.decode(Int64.self, at: 8)
        settings.spikeCooldownMinutes = try row.decode(Int.self, at: 9)
        settings.unpricedEnabled = try row.decode(Bool.self, at: 10)
        settings.unpricedCooldownMinutes = try row.decode(Int.self, at: 11)
        settings.capEnabled = try row.decode(Bool.self, at: 12)
        return settings
    }

    /// Problems with `settings` (empty when they may be saved).
    public static func validate(_ settings: AlertRuleSettings) -> [AlertRuleProblem] {
        var problems: [AlertRuleProblem] = []
        if settings.creditThresholds.isEmpty || settings.creditThresholds.count > 10
            || settings.creditThresholds.contains(where: { !(1...1000).contains($0) }) {
            problems.append(.creditThresholds)
        }
        if settings.marginCriticalBP >= settings.marginWarningBP {
            problems.append(.marginOrder)
        }
        if settings.spikeMultiplierBP <= 10_000 {
            problems.append(.spikeMultiplier)
        }
        if settings.spikeMinimumCost < 0 {
            problems.append(.spikeMinimum)
        }
        let cooldowns: [(AlertRuleProblem, Int)] = [
            (.marginCooldown, settings.marginCooldownMinutes), (.spikeCooldown, settings.spikeCooldownMinutes),
            (.unpricedCooldown, settings.unpricedCooldownMinutes),
        ]
        for (problem, minutes) in cooldowns where !(1...100_000).contains(minutes) {
            problems.append(problem)
        }
        return problems
    }

    /// Saves `settings` with an audit row by `actor`; throws `Refused<AlertRuleProblem>`.
    public func save(_ settings: AlertRuleSettings, by actor: AuditActor, at now: Date) async throws {
        try Refused.check(Self.validate(settings))
        var thresholds = Array(Set(settings.creditThresholds)).sorted()
        thresholds = thresholds.isEmpty ? [100] : thresholds
        try await pool.withTransaction(scope: .staff) { connection in
            let before = try await Self.load(on: connection)
            try await connection.execute(
                """
                UPDATE alert_rules SET credits_enabled = \(settings.creditsEnabled), credit_thresholds = \(thresholds)::integer[],
                    margin_enabled = \(settings.marginEnabled), margin_warning_bp = \(settings.marginWarningBP),
                    margin_critical_bp = \(settings.marginCriticalBP), margin_cooldown_minutes = \(settings.marginCooldownMinutes),
                    spike_enabled = \(settings.spikeEnabled), spike_multiplier_bp = \(settings.spikeMultiplierBP),
                    spike_minimum_cost = \(settings.spikeMinimumCost), spike_cooldown_minutes = \(settings.spikeCooldownMinutes),
                    unpriced_enabled = \(settings.unpricedEnabled), unpriced_cooldown_minutes = \(settings.unpricedCooldownMinutes),
                    cap_enabled = \(settings.capEnabled)
                """)
            var after = settings
            after.creditThresholds = thresholds
            try await AuditTrail.record(
                AuditChange(action: "alert_rules.update", objectKind: "alert_rules", objectID: "1", accountID: nil,
                            before: Self.snapshot(before), after: Self.snapshot(after)),
                by: actor, at: now, on: connection)
        }
    }

    static func snapshot(_ settings: AlertRuleSettings) -> AuditSnapshot {
        [
            "credits_enabled": "\(settings.creditsEnabled)",
            "credit_thresholds": settings.creditThresholds.map(String.init).joined(separator: ","),
            "margin_enabled": "\(settings.marginEnabled)",
            "margin_warning_bp": "\(settings.marginWarningBP)",
            "margin_critical_bp": "\(settings.marginCriticalBP)",
            "margin_cooldown_minutes": "\(settings.marginCooldownMinutes)",
            "spike_enabled": "\(settings.spikeEnabled)",
            "spike_multiplier_bp": "\(settings.spikeMultiplierBP)",
            "spike_minimum_cost": "\(settings.spikeMinimumCost)",
            "spike_cooldown_minutes": "\(settings.spikeCooldownMinutes)",
            "unpriced_enabled": "\(settings.unpricedEnabled)",
            "unpriced_cooldown_minutes": "\(settings.unpricedCooldownMinutes)",
            "cap_enabled": "\(settings.capEnabled)",
        ]
    }
}
