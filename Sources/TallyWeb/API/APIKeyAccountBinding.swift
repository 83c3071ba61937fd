import Hummingbird
import MeteringStore

/// The one rule for keys that customers create on their Team page (`APIKeyIdentity.boundAccount`):
/// such a key reads the usage of its own account and nothing else.
///
/// - `GET /api/v1/accounts/{its account}/usage` and `…/usage.csv`: allowed.
/// - The same routes for any other account: 404 with the unknown-account answer, so a key never
///   learns whether another account exists.
/// - Every other route (ingest, entitlements): 403.
/// Operator keys (no bound account) pass unchanged; their scope is checked by the routes.
enum APIKeyAccountBinding {
    /// The routes an account-bound key may call, as the router names them.
    static let readableRoutes: Set<String> = ["/api/v1/accounts/{account}/usage", "/api/v1/accounts/{account}/usage.csv"]

    /// Throws unless `key` may make this request.
    static func check(_ key: APIKeyIdentity, _ request: Request, context: AppRequestContext) throws {
        guard let bound = key.boundAccount else { return }
        guard request.method == .get, let route = context.endpointPath, readableRoutes.contains(route) else {
            throw AppError(.forbidden, "This API key belongs to a customer account and may only read that account's usage.")
        }
        guard try APIPathText.decoded("account", context) == bound else {
            throw AppError(.notFound, "No account has this external id.")
        }
    }
}
