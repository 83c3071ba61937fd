import Foundation
import Metering
import Postgres

/// Reads and writes price versions with every token kind's price and their tiers.
///
/// A version's tiers travel with it in one array column, 11 numbers a tier: the service tier's
/// position in `ServiceTier.allCases`, the threshold, then the nine prices in `TokenKind` order.
/// One statement reads every version, as the ingest does for each batch.
enum PriceRows {
    /// The stored columns of a version's prices, in `TokenKind` order.
    static let kindColumns = [
        "input_price", "cached_price", "cache_write_5m_price", "cache_write_1h_price", "output_price", "reasoning_price",
        "audio_input_price", "audio_output_price", "image_input_price",
    ]

    static let tierWidth = 2 + TokenKind.allCases.count

    /// Every version: id, model, the nine prices, the fees, the date, the tiers.
    static let selectSQL = """
        SELECT p.id, p.model, p.effective_from, p.per_request_fee, p.per_query_fee,
               ARRAY[\(kindColumns.map { "p.\($0)" }.joined(separator: ", "))],
               ARRAY(SELECT x FROM model_price_tiers t,
                         unnest(ARRAY[array_position(ARRAY['standard', 'batch', 'flex', 'priority'], t.service_tier) - 1,
                                      t.above_input_tokens, \(kindColumns.map { "t.\($0)" }.joined(separator: ", "))])
                         WITH ORDINALITY AS u(x, n)
                     WHERE t.price_id = p.id ORDER BY t.service_tier, t.above_input_tokens, u.n)
        FROM model_prices p
        """

    /// One decoded row.
    struct Row {
        let id: Int64
        let model: String
        let effectiveFrom: Date
        let sheet: PriceSheet
    }

    /// Every stored version.
    static func load(on connection: PostgresConnection, orderedByModel: Bool = false) async throws -> [Row] {
        let order = orderedByModel ? " ORDER BY p.model, p.effective_from" : ""
        return try await connection.query("\(unsafeRaw: selectSQL + order)").map { row in
            let (id, model, from, fee, queryFee, prices, tiers) = try row.decode((Int64, String, Date, Int64, Int64, [Int64], [Int64]).self)
            return Row(
                id: id, model: model, effectiveFrom: from,
                sheet: PriceSheet(
                    rates: try rates(prices[...]), perRequest: Money(nanos: fee), perQuery: Money(nanos: queryFee),
                    tiers: try decodeTiers(tiers)))
        }
    }

    private static func rates(_ prices: ArraySlice<Int64>) throws -> TokenRates {
        TokenRates(byKind: try prices.map { try PricePerMillionTokens(perMillion: Money(nanos: $0)) })
    }

    private static func decodeTiers(_ flat: [Int64]) throws -> [PriceTier] {
        stride(from: 0, to: flat.count, by: tierWidth).compactMap { start in
            let tier = flat[start..<start + tierWidth]
            let index = Int(tier[start])
            guard ServiceTier.allCases.indices.contains(index) else { return nil }
            return try? PriceTier(
                serviceTier: ServiceTier.allCases[index], aboveInputTokens: tier[start + 1], rates: rates(tier[(start + 2)...]))
        }
    }

    /// Inserts a version; returns its id.
    static func insert(model: String, sheet: PriceSheet, effectiveFrom: Date, on connection: PostgresConnection) async throws -> Int64 {
        let prices = try sheet.rates.byKind.map { try $0.perMillion.int64Nanos("a token price") }
        let id = try await connection.query(
            """
            INSERT INTO model_prices (model, \(unsafeRaw: kindColumns.joined(separator: ", ")), per_request_fee, per_query_fee,
                                      effective_from)
            SELECT \(model), p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], \(sheet.perRequest.nanos),
                   \(sheet.perQuery.nanos), \(effectiveFrom)
            FROM (SELECT \(prices)::bigint[] AS p) x
            RETURNING id
            """
        ).first!.decode(Int64.self, at: 0)
        guard !sheet.tiers.isEmpty else { return id }
        let tiers = sheet.tiers
        var columns = [[Int64]](repeating: [], count: TokenKind.allCases.count)
        for tier in tiers {
            for (kind, price) in tier.rates.byKind.enumerated() { columns[kind].append(try price.perMillion.int64Nanos("a token price")) }
        }
        try await connection.execute(
            """
            INSERT INTO model_price_tiers (price_id, service_tier, above_input_tokens, \(unsafeRaw: kindColumns.joined(separator: ", ")))
            SELECT \(id), * FROM unnest(\(tiers.map(\.serviceTier.rawValue)), \(tiers.map(\.aboveInputTokens)),
                \(columns[0]), \(columns[1]), \(columns[2]), \(columns[3]), \(columns[4]), \(columns[5]), \(columns[6]),
                \(columns[7]), \(columns[8]))
            """)
        return id
    }
}
