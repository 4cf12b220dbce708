import HTTP
import QuizApp

extension QuizApplication {
    /// Runs `body` with an in-process client of this application's routes (see `TestClient`): the application's
    /// life is the scope, so a failing test leaves nothing running.
    public func test<T>(_ body: (TestClient) async throws -> T) async throws -> T {
        try await body(TestClient(responder: responder()))
    }
}
