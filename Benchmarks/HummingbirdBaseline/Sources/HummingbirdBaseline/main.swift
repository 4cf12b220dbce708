import Foundation
import Hummingbird

// Usage: HummingbirdBaseline PORT FILE — answers GET /api/v1/questions with FILE's bytes as JSON.
let arguments = CommandLine.arguments
let port = arguments.count > 1 ? Int(arguments[1]) ?? 8081 : 8081
let file = arguments.count > 2 ? arguments[2] : "questions-list.json"
let bytes = try Data(contentsOf: URL(fileURLWithPath: file))

let router = Router()
router.get("api/v1/questions") { _, _ -> Response in
    Response(
        status: .ok,
        headers: [.contentType: "application/json; charset=utf-8"],
        body: .init(byteBuffer: ByteBuffer(bytes: bytes))
    )
}
router.get("healthz") { _, _ in "ok" }
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
