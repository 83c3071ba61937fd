import Postgres
import TallyTestSupport

extension TestDatabase {
    /// A pool of owner connections (tests create tables) with `shared` shared connections, two
    /// leased ones, and a patient acquire timeout.
    func ownerPool(sharedConnections shared: Int) -> PostgresPool {
        PostgresPool(
            configuration: .init(
                conninfo: ownerConninfo, maxConnections: 2, acquireTimeout: .seconds(60), sharedConnections: shared),
            logger: logger)
    }
}
