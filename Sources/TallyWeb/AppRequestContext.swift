import Hummingbird
import MeteringStore
import TallyAccess

/// The context every request carries through Tally's middleware and handlers.
public struct AppRequestContext: RequestContext {
    /// Hummingbird's storage: logger (with `hb.request.id`), route and parameters.
    public var coreContext: CoreRequestContextStorage
    /// The connection's peer IP address; nil for Unix sockets and the in-process test transport.
    public let peerAddress: String?
    /// The signed-in session, set by the session middleware; nil when anonymous.
    public var session: AuthenticatedSession?
    /// The API key of an `/api/v1` request, set by the API key middleware; nil elsewhere.
    public var apiKey: APIKeyIdentity?

    /// Creates the context for a new request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Request bodies are small forms and JSON batches (the ingest API caps batches at 1 MiB).
    public var maxUploadSize: Int { 1024 * 1024 + 64 * 1024 }
}
