import Alerting
import Hummingbird
import Logging
import TallyAccess
import TallyDatabase

/// Builds Tally's web application.
public enum TallyApplication {
    /// The router with every route and middleware, for the server and for tests.
    ///
    /// Middleware order, outermost first: request log (X-Request-Id) → metrics → security
    /// headers → errors (pages and JSON; 503 when the database is unavailable) → 405 for a known
    /// path asked with another method → static files under `/static/` → session (resolves the
    /// cookie) → CSRF (403) → routes; `/api/v1` adds the API key middleware (401) in front of its
    /// routes. Every GET route answers HEAD too.
    public static func makeRouter(
        configuration: ServerConfiguration, services: AppServices, logger: Logger
    ) -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
        let routes = RouteTable()
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: MetricsMiddleware(metrics: services.metrics))
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: ErrorMiddleware(pages: services.pages, retryAfterSeconds: configuration.retryAfterSeconds))
        router.add(middleware: MethodNotAllowedMiddleware(routes: routes))
        router.add(
            middleware: FileMiddleware(
                configuration.publicDirectory, urlBasePath: "/static",
                cacheControl: .init([(MediaType(type: .any), [.public, .maxAge(3600)])]),
                searchForIndexHtml: false, logger: logger))
        let cookies = AccessCookies(insecure: configuration.insecureCookies)
        router.add(middleware: SessionMiddleware(sessions: services.access.sessions, clock: services.access.clock, cookies: cookies))
        router.add(middleware: CSRFMiddleware(cookies: cookies))
        OperationsRoutes(database: services.database, metrics: services.metrics).register(on: router)
        LoginRoutes(
            access: services.access, pages: services.pages, cookies: cookies,
            addresses: ClientAddressResolver(trustedProxies: Set(configuration.trustedProxies))
        ).register(on: router)
        let frames = CustomerFrames(alerts: services.alerting.alerts, clock: services.access.clock)
        // One memo of chart drawings for every request of this application.
        let drawings = ChartDrawings()
        HomeRoutes(
            access: services.access, pages: services.pages,
            dashboard: DashboardPage(
                reader: services.portal.dashboard, pages: services.pages, clock: services.access.clock, frames: frames,
                drawings: drawings)
        ).register(on: router)
        UsageRoutes(
            reader: services.portal.usage, pages: services.pages, clock: services.access.clock, frames: frames, drawings: drawings
        ).register(on: router)
        PortalAccountRoutes(
            services: PortalAccountServices(
                access: services.access, pages: services.pages, billing: services.portal.billing,
                topUps: services.portal.topUps, team: TeamMembers(users: services.access.users),
                invitations: Invitations(login: services.access.login), apiKeys: services.portal.apiKeys, cookies: cookies,
                frames: frames)
        ).register(on: router)
        AdminRoutes(admin: services.admin, pages: services.pages, clock: services.access.clock).register(on: router)
        MeteringAPIRoutes(
            services: services.metering, clock: services.access.clock,
            openAPI: OpenAPIDocument.load(directory: configuration.docsDirectory, logger: logger)
        ).register(on: router)
        AlertRoutes(alerting: services.alerting, pages: services.pages, clock: services.access.clock).register(on: router)
        WebhookRoutes(alerting: services.alerting, pages: services.pages, clock: services.access.clock).register(on: router)
        routes.record(router.routes.map { ($0.path, $0.method) })
        return router
    }

    /// The application: listens on the configured address and shuts down gracefully (in-flight
    /// requests finish) on SIGINT or SIGTERM when run with `runService()`. A request whose client
    /// goes away is cancelled, with its database statement (`httpServer()`).
    public static func make(
        configuration: ServerConfiguration, services: AppServices, logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: makeRouter(configuration: configuration, services: services, logger: logger),
            server: httpServer(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
    }
}
