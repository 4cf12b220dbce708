import Foundation
import Grader
import HTTP
import Logging
import Metrics
import QuizCore
import Store

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

    let catalog: LiveCatalog
    let attempts: AttemptService
    let classroom: ClassroomService
    let teachers: TeacherService
    let roster: RosterService
    let assignments: AssignmentService
    let signIn: SignInService
    let settings: ClassSettingsService
    let regrades: RegradeService
    let paths: Paths
    let logger: Logger
    let registry: MetricsRegistry = {
        let registry = MetricsRegistry()
        AppMetrics.describe(registry)
        return registry
    }()
    let grader: GradingPool
    /// The routes, built once (with the static files' caches) when the application is made.
    private(set) var routes = Router()

    /// - Parameters:
    ///   - codeAttemptsPerMinute: code attempts per student (by student id) in any 60 s; past it, 429 with
    ///     `Retry-After`.
    ///   - anonymousCodeAttemptsPerMinute: code attempts without a student's token, per client address, in any
    ///     60 s; past it, 429 with `Retry-After`. A whole class may share one address (a school's NAT).
    ///   - clientAddress: how the client's address is found (the trusted proxies, for `X-Forwarded-For`).
    ///   - sharedRateLimits: where the rate limits count when several instances share a database (PostgreSQL);
    ///     nil: in this process.
    public init(
        bank: QuestionBank,
        grader: GradingPool,
        store: any AttemptStore,
        teacher: TeacherToken,
        paths: Paths,
        logger: Logger,
        codeAttemptsPerMinute: Int = AttemptLimits().codeAttemptsPerMinute,
        anonymousCodeAttemptsPerMinute: Int = AttemptLimits().anonymousCodeAttemptsPerMinute,
        clientAddress: ClientAddress = ClientAddress(),
        sharedRateLimits: (any SharedRateLimits)? = nil
    ) {
        catalog = LiveCatalog(bank: bank)
        let access = Access(
            teacher: teacher,
            store: store,
            classroom: store as? any ClassroomStore,
            sessions: store as? any TeacherSessionStore,
            enrolment: store as? any EnrolmentStore
        )
        classroom = ClassroomService(store: store, catalog: catalog, teacher: teacher, access: access)
        teachers = TeacherService(access: access)
        roster = RosterService(access: access)
        assignments = AssignmentService(access: access, catalog: catalog, classroom: classroom)
        settings = ClassSettingsService(access: access)
        regrades = RegradeService(
            access: access,
            catalog: catalog,
            grader: grader,
            store: store as? any RegradeStore,
            logger: logger
        )
        signIn = SignInService(
            access: access,
            limiter: RateLimiter(limit: 10, window: 60, shared: sharedRateLimits, scope: "sign-in"),
            clientAddress: clientAddress
        )
        attempts = AttemptService(
            catalog: catalog,
            grader: grader,
            store: store,
            classroom: classroom,
            assignments: assignments,
            codeLimiter: RateLimiter(
                limit: codeAttemptsPerMinute,
                window: 60,
                shared: sharedRateLimits,
                scope: "code"
            ),
            anonymousLimiter: RateLimiter(
                limit: anonymousCodeAttemptsPerMinute,
                window: 60,
                shared: sharedRateLimits,
                scope: "anonymous"
            ),
            clientAddress: clientAddress,
            metrics: registry
        )
        self.grader = grader
        self.paths = paths
        self.logger = logger
        routes = router()
    }

    /// Serves these banks from now on (`serve` reloads `--questions` on SIGHUP). Attempts in flight finish against
    /// the bank they started with; the next request sees the new one.
    public func reload(bank: QuestionBank) {
        catalog.replace(with: bank)
    }

    /// Goes on with the regrades the last process left unfinished (`serve` calls it once it listens). With a store
    /// other instances share (PostgreSQL), it then follows their changes until the store shuts down: a bank one
    /// uploads is served here too, and a regrade one claims is taken over here should that one die.
    public func resumeBackgroundWork() async {
        guard let source = classroom.access.store as? any StoreEventSource else {
            await regrades.resume()
            return
        }
        let banks = TeacherBankService(access: classroom.access, catalog: catalog, grader: grader)
        let regrades = self.regrades
        let logger = self.logger
        await source.listen { event in
            switch event {
            case .listening:
                // Whatever was announced while this instance was not listening is read again.
                do { try await banks.reload() } catch {
                    logger.error("cannot read the teachers' banks", metadata: ["error": "\(error)"])
                }
                await regrades.resume()
            case .banksChanged:
                do { try await banks.reload() } catch {
                    logger.error("cannot read the teachers' banks", metadata: ["error": "\(error)"])
                }
            case .regradeClaimed:
                await regrades.resume()
            }
        }
    }

    /// The whole responder: middleware around the routes. It routes each request once (see `RequestRouting`).
    public func responder() -> any Responder {
        MiddlewareChain([ErrorMiddleware(logger: logger)], responder: routes)
    }

    /// Makes this application's registry the process's swift-metrics backend, so that libraries reporting
    /// through swift-metrics show on `/metrics` too. Once per process (`serve` calls it).
    public func bootstrapMetricsSystem() {
        registry.bootstrapMetricsSystem()
    }

    /// Counts every request by route and status; also serves `GET /metrics`.
    public func metrics() -> any RequestObserver {
        AppMetrics(registry: registry, grader: grader)
    }

    /// The OpenAPI 3.1 document, shipped as a resource so the binary finds it wherever it runs.
    static let openAPIDocument: Data = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
            let data = try? Data(contentsOf: url)
        else { return Data(#"{"openapi":"3.1.0","info":{"title":"missing","version":"0"},"paths":{}}"#.utf8) }
        return data
    }()

    func router() -> Router {
        var router = Router()
        let catalog = self.catalog
        let attempts = self.attempts
        let classroom = self.classroom
        router.getImmediate("/healthz") { _ in Catalog.json(Data(#"{"status":"ok"}"#.utf8)) }
        router.get("/readyz") { _ in try await Readiness.check(classroom.store) }
        let registry = self.registry
        router.get("/metrics") { _ in
            Response.text(await registry.render(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        let openAPI = Catalog.body(Self.openAPIDocument)
        router.getImmediate("/openapi.json") { openAPI.response(for: $0) }
        router.getImmediate("/api/v1/topics") { catalog.current.topics($0) }
        QuestionVisibility(access: classroom.access, catalog: catalog).addQuestionRoutes(to: &router)
        let hints = HintService(catalog: catalog, classroom: classroom)
        router.get("/api/v1/questions/{id}/hints/{n}") { try await hints.hint($0) }
        router.post("/api/v1/questions/{id}/attempts") { try await attempts.attempt($0) }
        router.post("/api/v1/students") { try await classroom.join($0) }
        router.get("/api/v1/me/attempts") { try await classroom.myAttempts($0) }
        let study = StudyService(classroom: classroom)
        router.get("/api/v1/me/study") { try await study.record($0) }
        router.post("/api/v1/me/study/reviews") { try await study.review($0) }
        router.post("/api/v1/me/study/handover") { try await study.handOver($0) }
        router.post("/api/v1/classes") { try await classroom.createClass($0) }
        router.get("/api/v1/classes") { try await classroom.listClasses($0) }
        router.get("/api/v1/classes/{code}/results") { try await classroom.results($0) }
        router.get("/api/v1/classes/{code}/results.csv") { try await classroom.resultsCSV($0) }
        ClassroomRoutes(
            teachers: teachers,
            roster: roster,
            assignments: assignments,
            signIn: signIn,
            settings: settings
        ).add(to: &router)
        let banks = TeacherBankService(access: classroom.access, catalog: catalog, grader: grader)
        BankRoutes(banks: banks).add(to: &router)
        RegradeRoutes(regrades: regrades).add(to: &router)
        AnalysisRoutes(access: classroom.access, catalog: catalog).add(to: &router)
        router.setFallback(StaticFiles(paths: paths))
        return router
    }
}

/// `Public/` at `/`, and the Debian-packaged browser libraries (CodeMirror, highlight.js, markdown-it) at `/vendor/`.
struct StaticFiles: Responder {
    let site: FileServer
    let vendor: [FileServer]

    init(paths: QuizApplication.Paths) {
        site = FileServer(root: paths.publicDirectory, prefix: "/")
        vendor = ["codemirror", "highlight.js", "markdown-it"].map {
            FileServer(
                root: paths.vendorDirectory + "/" + $0,
                prefix: "/vendor/\($0)/",
                cacheControl: "public, max-age=86400"
            )
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
