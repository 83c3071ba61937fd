import Postgres
import TallyTestSupport

extension TestDatabase {
    /// A pool of owner connections (tests create tables) with `shared` shared connections, two
    /// leased ones, and a patient acquire timeout: it only guards against a hang, since hundreds
    /// of queued reads on a loaded machine can wait well over a minute with nothing wrong.
    func ownerPool(sharedConnections shared: Int) -> PostgresPool {
        PostgresPool(
            configuration: .init(
                conninfo: ownerConninfo, maxConnections: 2, acquireTimeout: .seconds(600), sharedConnections: shared),
            logger: logger)
    }
}
