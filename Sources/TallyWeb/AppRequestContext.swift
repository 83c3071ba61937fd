import Hummingbird

/// The context every request carries through Tally's middleware and handlers.
public struct AppRequestContext: RequestContext {
    /// Hummingbird's storage: logger (with `hb.request.id`), route and parameters.
    public var coreContext: CoreRequestContextStorage

    /// Creates the context for a new request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Request bodies are small forms and JSON batches (the ingest API caps batches at 1 MiB).
    public var maxUploadSize: Int { 1024 * 1024 + 64 * 1024 }
}
