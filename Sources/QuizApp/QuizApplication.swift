import Foundation
import Grader
import HTTP
import Logging
import QuizCore

/// The application: the bank, the grader, and the routes of the contract.
public struct QuizApplication: Sendable {
    public struct Paths: Sendable {
        public var publicDirectory: String
        public var vendorDirectory: String

        public init(publicDirectory: String = "Public", vendorDirectory: String = "/usr/share/javascript") {
            self.publicDirectory = publicDirectory
            self.vendorDirectory = vendorDirectory
        }
    }

    let catalog: Catalog
    let attempts: AttemptService
    let paths: Paths
    let logger: Logger

    public init(bank: QuestionBank, grader: GradingPool, paths: Paths, logger: Logger) {
        catalog = Catalog(bank: bank)
        attempts = AttemptService(bank: bank, grader: grader)
        self.paths = paths
        self.logger = logger
    }

    /// The whole responder: middleware around the router.
    public func responder() -> any Responder {
        MiddlewareChain([ErrorMiddleware(logger: logger)], responder: router())
    }

    func router() -> Router {
        var router = Router()
        let catalog = self.catalog
        let attempts = self.attempts
        router.get("/healthz") { _ in Catalog.json(Data(#"{"status":"ok"}"#.utf8)) }
        router.get("/api/v1/topics") { _ in catalog.topics() }
        router.get("/api/v1/questions") { request in
            try catalog.questions(topic: request.query["topic"], kind: request.query["kind"])
        }
        router.get("/api/v1/questions/{id}") { request in
            try catalog.question(request.parameters["id"] ?? "")
        }
        router.post("/api/v1/questions/{id}/attempts") { request in
            let body = try request.decodeJSON(AttemptBody.self)
            let result = try await attempts.grade(questionID: request.parameters["id"] ?? "", body: body)
            return Response.json(result)
        }
        router.setFallback(StaticFiles(paths: paths))
        return router
    }
}

/// `Public/` at `/`, and the Debian-packaged browser libraries (CodeMirror, highlight.js) at `/vendor/`.
struct StaticFiles: Responder {
    let site: FileServer
    let vendor: [FileServer]

    init(paths: QuizApplication.Paths) {
        site = FileServer(root: paths.publicDirectory, prefix: "/")
        vendor = ["codemirror", "highlight.js"].map {
            FileServer(root: paths.vendorDirectory + "/" + $0, prefix: "/vendor/\($0)/", cacheControl: "public, max-age=86400")
        }
    }

    func respond(to request: Request) async throws -> Response {
        if request.path.hasPrefix("/vendor/") {
            guard let server = vendor.first(where: { request.path.hasPrefix($0.prefix) }) else {
                throw HTTPError.notFound("There is nothing at \(request.path).")
            }
            return try await server.respond(to: request)
        }
        if request.path.hasPrefix("/api/") { throw HTTPError.notFound("There is no endpoint \(request.path).") }
        return try await site.respond(to: request)
    }
}
