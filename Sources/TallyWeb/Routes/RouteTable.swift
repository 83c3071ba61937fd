import HTTPTypes
import Hummingbird
import Synchronization

/// Every route the application registers, by path pattern and method: what answers 405 with
/// `Allow` for a known path asked with another method (`MethodNotAllowedMiddleware`).
///
/// Hummingbird's router answers 404 whenever path and method do not both match. The table is
/// filled from the router's own list of routes once every route group has registered (the
/// middleware that reads it has to be added before them).
final class RouteTable: Sendable {
    private let routes = Mutex<[(path: RouterPath, methods: Set<HTTPRequest.Method>)]>([])

    /// Records `routes` (the router's `routes`), grouped by path.
    func record(_ routes: [(path: RouterPath, method: HTTPRequest.Method)]) {
        self.routes.withLock { table in
            for route in routes {
                if let index = table.firstIndex(where: { $0.path == route.path }) {
                    table[index].methods.insert(route.method)
                } else {
                    table.append((route.path, [route.method]))
                }
            }
        }
    }

    /// The methods some route accepts at `path` (a request path, not a pattern), HEAD with GET
    /// (the router answers HEAD for every GET route); empty when no route has this path.
    func methods(at path: String) -> Set<HTTPRequest.Method> {
        let segments = path.split(separator: "/")
        var methods: Set<HTTPRequest.Method> = routes.withLock { routes in
            routes.filter { Self.matches($0.path, segments) }.reduce(into: []) { $0.formUnion($1.methods) }
        }
        if methods.contains(.get) { methods.insert(.head) }
        return methods
    }

    /// Whether `pattern` matches the path `segments` as the router's trie would: literals
    /// equal, parameters and wildcards any one segment, `**` the rest.
    static func matches(_ pattern: RouterPath, _ segments: [Substring]) -> Bool {
        var index = 0
        for element in pattern.components {
            if element == .recursiveWildcard { return true }
            guard index < segments.count, element ~= segments[index] else { return false }
            index += 1
        }
        return index == segments.count
    }
}
