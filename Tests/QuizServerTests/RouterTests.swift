import Foundation
import HTTP
import Synchronization
import Testing

@Suite("Router, in process")
struct RouterTests {
    let router: Router = {
        var router = Router()
        router.get("/items/{id}") { request in .text("item \(request.parameters["id"] ?? "?")") }
        router.post("/items/{id}/notes") { request in .text("note for \(request.parameters["id"] ?? "?")", status: 201)
        }
        router.get("/items") { request in .text("items \(request.query["page"] ?? "1")") }
        return router
    }()

    @Test func pathParametersReachTheHandler() async throws {
        let response = try await router.respond(to: Request(method: "GET", path: "/items/42"))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "item 42")
    }

    @Test func queryParametersReachTheHandler() async throws {
        let response = try await router.respond(to: Request(method: "GET", path: "/items", query: ["page": "3"]))
        #expect(String(decoding: response.body, as: UTF8.self) == "items 3")
    }

    @Test func aKnownPathWithTheWrongMethodIs405WithAllow() async throws {
        await #expect(throws: HTTPError.methodNotAllowed(allowed: ["GET", "HEAD"])) {
            try await router.respond(to: Request(method: "DELETE", path: "/items/42"))
        }
        await #expect(throws: HTTPError.methodNotAllowed(allowed: ["POST"])) {
            try await router.respond(to: Request(method: "GET", path: "/items/42/notes"))
        }
    }

    @Test func anUnknownPathIs404() async throws {
        await #expect(throws: HTTPError.notFound("There is nothing at /nothing/here.")) {
            try await router.respond(to: Request(method: "GET", path: "/nothing/here"))
        }
    }

    @Test func headIsAnsweredLikeGet() async throws {
        let response = try await router.respond(to: Request(method: "HEAD", path: "/items/7"))
        #expect(response.status == 200)
    }

    @Test func errorsBecomeProblemDocumentsInOnePlace() async throws {
        let chain = MiddlewareChain([ErrorMiddleware(logger: .init(label: "test"))], responder: router)
        let response = try await chain.respond(to: Request(method: "PUT", path: "/items"))
        #expect(response.status == 405)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        #expect(response.headers["Allow"] == "GET, HEAD")
        let problem = try JSONDecoder().decode(Problem.self, from: response.body)
        #expect(problem.status == 405)
        #expect(problem.title == "Method Not Allowed")
    }

    @Test func aRequestIsRoutedOnceAndCarriesItsPattern() async throws {
        let calls = Counter()
        var router = Router()
        router.getImmediate("/now/{id}") { request in
            calls.increment()
            return .text("\(request.route ?? "-") \(request.parameters["id"] ?? "?")")
        }
        var request = Request(method: "GET", path: "/now/7")
        router.route(&request)
        #expect(request.route == "/now/{id}")
        #expect(request.parameters == ["id": "7"])
        let response = try await router.respond(to: request)
        #expect(String(decoding: response.body, as: UTF8.self) == "/now/{id} 7")
        #expect(calls.value == 1)
        var unknown = Request(method: "GET", path: "/nothing")
        router.route(&unknown)
        #expect(unknown.route == nil)
    }

    @Test func aHandlerThatThrowsAnyErrorIsAnsweredOnceThroughTheMapping() async throws {
        struct Unexpected: Error {}
        let calls = Counter()
        var router = Router()
        router.getImmediate("/broken") { _ in
            calls.increment()
            throw Unexpected()
        }
        router.getImmediate("/missing") { _ in
            calls.increment()
            throw HTTPError.notFound("gone")
        }
        let chain = MiddlewareChain([ErrorMiddleware(logger: .init(label: "test"))], responder: router)
        let broken = try await chain.respond(to: Request(method: "GET", path: "/broken"))
        #expect(broken.status == .internalServerError)
        #expect(broken.headers["Content-Type"] == "application/problem+json")
        let missing = try await chain.respond(to: Request(method: "GET", path: "/missing"))
        #expect(missing.status == .notFound)
        #expect(
            try JSONDecoder().decode(Problem.self, from: missing.body)
                == Problem(title: "Not Found", status: 404, detail: "gone")
        )
        #expect(calls.value == 2, "each handler ran exactly once")
    }

    @Test func immediateRoutesAnswerOnTheSpotThroughTheSameMiddlewareAndAsyncOnesDoNot() throws {
        struct Unexpected: Error {}
        let calls = Counter()
        var router = Router()
        router.getImmediate("/now/{id}") { request in
            calls.increment()
            switch request.parameters["id"] {
            case "missing": throw HTTPError.notFound("no such thing")
            case "broken": throw Unexpected()
            default: return .text("now \(request.parameters["id"] ?? "?")")
            }
        }
        router.get("/later") { _ in .text("later") }
        let chain = MiddlewareChain([ErrorMiddleware(logger: .init(label: "test"))], responder: router)
        let now = try #require(try chain.respondImmediately(to: Request(method: "GET", path: "/now/1")))
        #expect(String(decoding: now.body, as: UTF8.self) == "now 1")
        #expect(try chain.respondImmediately(to: Request(method: "GET", path: "/now/missing"))?.status == .notFound)
        let broken = try chain.respondImmediately(to: Request(method: "GET", path: "/now/broken"))
        #expect(broken?.status == .internalServerError)
        #expect(broken?.headers["Content-Type"] == "application/problem+json")
        #expect(calls.value == 3, "each ran once, errors included")
        #expect(try chain.respondImmediately(to: Request(method: "GET", path: "/later")) == nil)
        #expect(try chain.respondImmediately(to: Request(method: "POST", path: "/now/1")) == nil)
        // Middleware that cannot answer on the spot sends every request the async way: none is skipped.
        struct Plain: Middleware {
            func respond(to request: Request, next: any Responder) async throws -> Response {
                try await next.respond(to: request)
            }
        }
        let asyncOnly = MiddlewareChain([Plain()], responder: router)
        #expect(try asyncOnly.respondImmediately(to: Request(method: "GET", path: "/now/1")) == nil)
    }

    @Test func decodingErrorsNameTheField() throws {
        struct Body: Decodable {
            var name: String
            var count: Int
        }
        var request = Request(method: "POST", path: "/", headers: HTTPHeaders([("Content-Type", "application/json")]))
        request.body = Data(#"{"name": "x", "count": "three"}"#.utf8)
        #expect(throws: HTTPError.badRequest("Field \"count\" must be a number.")) { try request.decodeJSON(Body.self) }
        request.body = Data(#"{"count": 3}"#.utf8)
        #expect(throws: HTTPError.badRequest("Missing field \"name\".")) { try request.decodeJSON(Body.self) }
        request.body = Data(#"{"count": 3,"#.utf8)
        #expect(throws: HTTPError.badRequest("The body is not valid JSON.")) { try request.decodeJSON(Body.self) }
    }

    @Test func aBodyNotDeclaredJSONIs415() throws {
        struct Body: Decodable { var name: String }
        let request = Request(
            method: "POST",
            path: "/",
            headers: HTTPHeaders([("Content-Type", "text/plain")]),
            body: Data("{}".utf8)
        )
        #expect {
            try request.decodeJSON(Body.self)
        } throws: { error in
            (error as? HTTPError)?.problem.status == 415
        }
    }
}

/// Counts calls from any thread.
final class Counter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
