import Foundation
import HTTP
import Store

/// `GET /readyz`: whether this instance can serve, its database included (readiness), where `GET /healthz` only
/// says the process answers (liveness). A load balancer takes an instance whose database link is down out of
/// rotation on the 503, and puts it back when the store reconnects by itself.
enum Readiness {
    static func check(_ store: any AttemptStore) async throws -> Response {
        do {
            try await store.ping()
        } catch {
            throw HTTPError.serviceUnavailable("The database cannot be reached; this instance is not ready.")
        }
        return Response.json(["status": "ready", "database": "ok"])
    }
}
