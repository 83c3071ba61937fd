// Ingest throughput with the threshold-alert check on and off (issue 8: within 10 %).
//
// One migrated database (TallyTestSupport's throwaway cluster); N accounts on a block plan with
// a large budget, so every batch runs the full threshold statement. Rounds alternate the order
// of "off" and "on" so drift in the machine's load hits both; each run is C concurrent clients
// sending batches of B events (spread over the accounts) through `IngestService` for S seconds.
// Release build:
//   swift build -c release --product AlertsBenchmark --scratch-path .build-bench
//   ./.build-bench/release/AlertsBenchmark [--seconds 5] [--clients 4] [--batch 100] [--accounts 50] [--rounds 8]
import Alerting
import Foundation
import Logging
import Metering
import MeteringStore
import Postgres
import TallyTestSupport

struct Options {
    var seconds = 5
    var clients = 4
    var batch = 100
    var accounts = 50
    var rounds = 8

    init?(_ arguments: [String]) {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let text = rest.popFirst(), let value = Int(text), value >= 1 else {
                print("usage: AlertsBenchmark [--seconds N] [--clients N] [--batch N] [--accounts N] [--rounds N]")
                return nil
            }
            switch flag {
            case "--seconds": seconds = value
            case "--clients": clients = value
            case "--batch": batch = value
            case "--accounts": accounts = value
            case "--rounds": rounds = value
            default:
                print("unknown option \(flag)")
                return nil
            }
        }
    }
}

/// Events per second of one run.
func run(_ service: IngestService, label: String, options: Options) async throws -> Double {
    let deadline = ContinuousClock.now + .seconds(options.seconds)
    let started = ContinuousClock.now
    let total = try await withThrowingTaskGroup(of: Int.self) { group in
        for client in 0..<options.clients {
            group.addTask {
                var sent = 0
                var batchNumber = 0
                while ContinuousClock.now < deadline {
                    let events = (0..<options.batch).map { index in
                        let account = (client * 7919 + batchNumber * 104_729 + index) % options.accounts
                        return #"{"id": "\#(label)-\#(client)-\#(batchNumber)-\#(index)", "account": "a\#(account)", "feature": "f", "cost_usd": "0.001"}"#
                    }
                    let body = Data(("{\"events\": [" + events.joined(separator: ",") + "]}").utf8)
                    sent += try await service.ingest(body, now: Date()).accepted
                    batchNumber += 1
                }
                return sent
            }
        }
        return try await group.reduce(0, +)
    }
    let elapsed = ContinuousClock.now - started
    return Double(total) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

guard let options = Options(Array(CommandLine.arguments.dropFirst())) else { exit(2) }
try await TestDatabase.with { database in
    let pool = database.makePool(maxConnections: options.clients + 2, acquireTimeout: .seconds(30))
    let catalog = CatalogStore(pool: pool)
    try await catalog.createPlan(PlanDraft(
        code: "bench", name: "Bench", includedCredits: .limited(Credits(credits: 100_000_000)), overage: .block(grace: .zero)))
    try await catalog.createFeature(key: "f", name: "F", rule: .perEvent(Credits(credits: 1)))
    try await catalog.setEntitlement(planCode: "bench", featureKey: "f", entitlement: Entitlement(enabled: true))
    for account in 0..<options.accounts {
        try await catalog.createAccount(externalID: "a\(account)", name: "Account \(account)", planCode: "bench")
    }
    let off = IngestService(pool: pool)
    let on = IngestService(pool: pool, observers: [ThresholdAlerts()])
    _ = try await run(off, label: "warm", options: Options(["--seconds", "2"])!)
    print("AlertsBenchmark: \(options.clients) clients, batches of \(options.batch) events over \(options.accounts) accounts, \(options.seconds) s per run")
    var offRates: [Double] = []
    var onRates: [Double] = []
    var ratios: [Double] = []
    for round in 0..<options.rounds {
        let order: [(String, IngestService)] = round % 2 == 0 ? [("off", off), ("on", on)] : [("on", on), ("off", off)]
        for (name, service) in order {
            let rate = try await run(service, label: "\(name)\(round)", options: options)
            if name == "off" { offRates.append(rate) } else { onRates.append(rate) }
            if name == order[1].0 { ratios.append(onRates[onRates.count - 1] / offRates[offRates.count - 1]) }
            print("round \(round + 1)  alerts \(name == "on" ? "on " : "off")  " + String(format: "%9.0f events/s", rate))
        }
    }
    // Adjacent runs share the machine's load of the moment, so the median of the per-round
    // ratios is the steadier figure on a busy machine.
    let ratio = median(ratios)
    print(String(format: "median: off %.0f events/s, on %.0f events/s; median per-round on/off %.3f (%+.1f %%)",
                 median(offRates), median(onRates), ratio, (ratio - 1) * 100))
    await pool.shutdown()
}
