import ArgumentParser
import Foundation
import Metering
import MeteringStore

/// `tally plan …`.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Create plans and their entitlements.", subcommands: [PlanCreate.self, PlanEntitle.self])
}

/// `tally plan create`.
struct PlanCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a plan.")

    @Option(help: "Short unique code, e.g. pro.") var code: String
    @Option(help: "Display name.") var name: String
    @Option(help: "Monthly fee in USD, e.g. 49.") var fee = "0"
    @Option(help: "Credits included per period, or 'unlimited'.") var included: String
    @Option(help: "block (hard cap) or charge (bill the overage).") var overage: String
    @Option(help: "block: grace in percent, e.g. 10.") var grace = "0"
    @Option(name: .customLong("overage-price"), help: "charge: USD per credit over, e.g. 0.002.") var overagePrice = "0"
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let plan = try draft()
        try await withAccessDatabase(database) { pool, _ in try await CatalogStore(pool: pool).createPlan(plan) }
        print("Created plan \(code).")
    }

    private func draft() throws -> PlanDraft {
        let policy: OveragePolicy
        switch overage {
        case "block": policy = .block(grace: try amount("--grace") { () throws(AmountError) in try BasisPoints(parsingPercent: grace) })
        case "charge": policy = .charge(pricePerCredit: try amount("--overage-price") { () throws(AmountError) in try Money(parsing: overagePrice) })
        default: throw ValidationError("--overage must be block or charge.")
        }
        let limit: CreditLimit = included == "unlimited"
            ? .unlimited : .limited(try amount("--included") { () throws(AmountError) in try Credits(parsing: included) })
        return PlanDraft(
            code: code, name: name, monthlyFee: try amount("--fee") { () throws(AmountError) in try Money(parsing: fee) },
            includedCredits: limit, overage: policy)
    }
}

/// `tally plan entitle`.
struct PlanEntitle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "entitle", abstract: "Enable (or --disable) a feature on a plan, with an optional limit or credit rule.")

    @Option(help: "The plan's code.") var plan: String
    @Option(help: "The feature's key.") var feature: String
    @Flag(help: "Disable the feature on the plan instead.") var disable = false
    @Option(help: "Most credits the feature may use per period.") var limit: String?
    @Option(help: "Override the feature's credit rule: per_event, per_output_unit, per_1k_tokens or per_usd.") var rule: String?
    @Option(help: "The override's rate in credits.") var rate: String?
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        var override: CreditRule?
        if let rule {
            let credits = try amount("--rate") { () throws(AmountError) in try Credits(parsing: rate ?? "") }
            guard let parsed = CreditRule(kind: rule, rate: credits) else { throw ValidationError("unknown --rule '\(rule)'.") }
            override = parsed
        }
        let periodLimit: CreditLimit = try limit.map { text in .limited(try amount("--limit") { () throws(AmountError) in try Credits(parsing: text) }) } ?? .unlimited
        let entitlement = Entitlement(enabled: !disable, creditRuleOverride: override, periodLimit: periodLimit)
        try await withAccessDatabase(database) { pool, _ in
            try await CatalogStore(pool: pool).setEntitlement(planCode: plan, featureKey: feature, entitlement: entitlement)
        }
        print("\(disable ? "Disabled" : "Enabled") \(feature) on plan \(plan).")
    }
}

/// `tally feature create`.
struct FeatureCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feature", abstract: "Register features.", subcommands: [FeatureCreate.self])
}

/// `tally feature create`.
struct FeatureCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Register a feature and its credit rule.")

    @Option(help: "The key events carry, e.g. summarize.") var key: String
    @Option(help: "Display name.") var name: String
    @Option(help: "per_event, per_output_unit, per_1k_tokens or per_usd.") var rule: String
    @Option(help: "The rule's rate in credits, e.g. 1 or 0.25.") var rate: String
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let credits = try amount("--rate") { () throws(AmountError) in try Credits(parsing: rate) }
        guard let creditRule = CreditRule(kind: rule, rate: credits) else {
            throw ValidationError("--rule must be per_event, per_output_unit, per_1k_tokens or per_usd.")
        }
        try await withAccessDatabase(database) { pool, _ in
            try await CatalogStore(pool: pool).createFeature(key: key, name: name, rule: creditRule)
        }
        print("Registered feature \(key) (\(creditRule)).")
    }
}

/// `tally price …`.
struct PriceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "price", abstract: "Add model price versions.", subcommands: [PriceAdd.self])
}

/// `tally price add`.
struct PriceAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a price version for a model id or pattern (with *).")

    @Option(help: "Exact model id, or a pattern such as gpt-4o*.") var model: String
    @Option(help: "USD per 1M input tokens.") var input: String
    @Option(help: "USD per 1M cached input tokens (default: the input price).") var cached: String?
    @Option(help: "USD per 1M output tokens.") var output: String
    @Option(name: .customLong("per-request"), help: "USD per request.") var perRequest = "0"
    @Option(name: .customLong("effective-from"), help: "RFC 3339 instant from which it applies (default: now).")
    var effectiveFrom: String?
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let from = try effectiveFrom.map { text in
            guard let date = try? Date.ISO8601FormatStyle().parse(text) else { throw ValidationError("--effective-from must be RFC 3339, e.g. 2027-01-01T00:00:00Z.") }
            return date
        } ?? Date()
        let draft = PriceDraft(
            model: model, input: try amount("--input") { () throws(AmountError) in try PricePerMillionTokens(parsing: input) },
            cachedInput: try amount("--cached") { () throws(AmountError) in try PricePerMillionTokens(parsing: cached ?? input) },
            output: try amount("--output") { () throws(AmountError) in try PricePerMillionTokens(parsing: output) },
            perRequest: try amount("--per-request") { () throws(AmountError) in try Money(parsing: perRequest) }, effectiveFrom: from)
        let id = try await withAccessDatabase(database) { pool, _ in try await CatalogStore(pool: pool).addPrice(draft) }
        print("Added price \(id) for \(model) from \(from.formatted(.iso8601)).")
    }
}

/// Runs an amount parser, turning its error into a validation message naming `flag`.
func amount<T>(_ flag: String, _ body: () throws(AmountError) -> T) throws -> T {
    do {
        return try body()
    } catch {
        throw ValidationError("\(flag): \(error.description)")
    }
}
