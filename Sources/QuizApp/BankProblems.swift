import Foundation
import HTTP

/// A bank that was not accepted: `422` with one line per problem, as `validate` prints them (`bank: question "x":
/// the model solution does not pass (...)`), in `errors`, and the same lines joined in `detail`.
struct BankProblems: Encodable {
    var type = "about:blank"
    var title = "Unprocessable Content"
    var status = 422
    var detail: String
    var errors: [String]

    init(_ errors: [String]) {
        self.errors = errors
        detail = errors.joined(separator: "\n")
    }

    var response: Response {
        var response = Response.json(self, status: 422)
        response.headers = HTTPHeaders([("Content-Type", "application/problem+json")])
        return response
    }
}
