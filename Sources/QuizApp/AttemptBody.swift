/// The body of `POST /api/v1/questions/{id}/attempts`: one field, which one depends on the question's kind.
struct AttemptBody: Codable {
    var choices: [String]?
    var output: String?
    var code: String?
}
