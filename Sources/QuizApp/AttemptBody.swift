/// The body of `POST /api/v1/questions/{id}/attempts`: one field, which one depends on the question's kind; and for
/// a predict-output question with variants, `variant`: the one the answer is for (as `GET` served it).
struct AttemptBody: Codable {
    var choices: [String]?
    var output: String?
    var code: String?
    var variant: Int?
}
