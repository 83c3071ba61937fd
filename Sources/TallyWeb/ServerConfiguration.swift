/// How the web server runs. Built once by the `tally` command from flags and environment.
public struct ServerConfiguration: Sendable, Equatable {
    /// The address to listen on (`--host`, `TALLY_HOST`).
    public var host: String
    /// The port to listen on (`--port`, `TALLY_PORT`).
    public var port: Int
    /// Static files served under `/static/` (`TALLY_PUBLIC_DIR`).
    public var publicDirectory: String
    /// Mustache templates, loaded once at start-up (`TALLY_TEMPLATES_DIR`).
    public var templatesDirectory: String
    /// Reload templates when their files change: for development only (`TALLY_RELOAD_TEMPLATES`).
    public var reloadTemplates: Bool
    /// Seconds a client is told to wait (Retry-After) when the database is unavailable.
    public var retryAfterSeconds: Int
    /// Cookies without Secure and the `__Host-` prefix, for plain-HTTP localhost development
    /// only (`TALLY_INSECURE_COOKIES`).
    public var insecureCookies: Bool = false
    /// Proxy addresses whose `X-Forwarded-For` is believed (`TALLY_TRUSTED_PROXIES`).
    public var trustedProxies: [String] = []
    /// The docs folder; `openapi.json` in it is read once at start-up and served at
    /// `/api/v1/openapi.json` (`TALLY_DOCS_DIR`).
    public var docsDirectory: String = "docs"

    /// The defaults: 127.0.0.1:8080, `public/` and `templates/` in the working directory.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, publicDirectory: String = "public",
        templatesDirectory: String = "templates", reloadTemplates: Bool = false, retryAfterSeconds: Int = 2
    ) {
        self.host = host
        self.port = port
        self.publicDirectory = publicDirectory
        self.templatesDirectory = templatesDirectory
        self.reloadTemplates = reloadTemplates
        self.retryAfterSeconds = retryAfterSeconds
    }
}
