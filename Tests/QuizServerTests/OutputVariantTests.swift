import Foundation
import QuizCore
import Testing

@testable import QuizApp

/// Predict-output variants in process: the data format, grading against a variant's key, what clients see, the
/// bank's checks, and the server's pick for a student.
@Suite("Predict-output variants")
struct OutputVariantTests {
    static let json = """
        {"id": "sum", "topic": "coroutines", "kind": "predict_output", "title": "t", "difficulty": 1,
         "prompt": "What does this program print?", "explanation": "It adds 2 and 3.",
         "code": "print(2 + 3)\\n", "answer": "5\\n",
         "variants": [
           {"code": "print(2 + 3)\\n", "answer": "5\\n", "explanation": "It adds 2 and 3."},
           {"code": "print(4 + 9)\\n", "answer": "13\\n", "explanation": "It adds 4 and 9."},
           {"code": "print(10 + 7)\\n", "answer": "17\\n"}
         ]}
        """

    static func question() throws -> Question {
        try JSONDecoder().decode(Question.self, from: Data(json.utf8))
    }

    @Test func aQuestionReadsItsVariantsAndServesEachAsItself() throws {
        let question = try Self.question()
        #expect(question.variantCount == 3 && question.hasVariants)
        let second = try #require(question.variant(1))
        #expect(second.code == "print(4 + 9)\n" && second.answer == "13\n")
        #expect(second.explanation == "It adds 4 and 9." && second.variants == nil)
        // A variant without an explanation of its own keeps the question's.
        #expect(question.variant(2)?.explanation == "It adds 2 and 3.")
        #expect(question.variant(3) == nil && question.variant(-1) == nil)
        // Encoded again, nothing is lost.
        let again = try JSONDecoder().decode(Question.self, from: JSONEncoder().encode(question))
        #expect(again == question)
    }

    @Test func aQuestionWithoutVariantsIsItsOwnOnlyVariant() throws {
        var question = try Self.question()
        question.variants = nil
        #expect(question.variantCount == 1 && !question.hasVariants)
        #expect(question.variant(0) == question && question.variant(1) == nil)
    }

    @Test func theCheckerGradesAgainstTheAnsweredVariantsKey() throws {
        let question = try Self.question()
        let second = try #require(question.variant(1))
        let own = AnswerChecker.grade(second, output: "13  \n\n")
        #expect(own.verdict == .passed && own.score == 1 && own.expected == "13\n")
        #expect(own.explanation == "It adds 4 and 9.")
        // Variant 0's answer, copied, is wrong for variant 1, and the feedback shows variant 1's key.
        let copied = AnswerChecker.grade(second, output: "5\n")
        #expect(copied.verdict == .failed && copied.score == 0 && copied.expected == "13\n")
        #expect(AnswerChecker.grade(question, output: "5").verdict == .passed)
    }

    @Test func listsShowNoProgramAndAFetchShowsOneVariantWithoutKeys() throws {
        let question = try Self.question()
        let listed = PublicQuestion(question)
        #expect(listed.code == nil && listed.variant == nil && listed.variantCount == 3)
        let served = try #require(PublicQuestion(question, variant: 2))
        #expect(served.code == "print(10 + 7)\n" && served.variant == 2 && served.variantCount == 3)
        #expect(PublicQuestion(question, variant: 3) == nil)
        let text = String(decoding: try JSONEncoder().encode(served), as: UTF8.self)
        for secret in ["17", "13", "answer", "explanation", "4 + 9", "variants"] {
            #expect(!text.contains(secret), "\(secret) in \(text)")
        }
        // A question without variants is shown as before: its code, no variant fields.
        var plain = question
        plain.variants = nil
        let shown = try #require(PublicQuestion(plain, variant: 0))
        #expect(shown.code == "print(2 + 3)\n" && shown.variant == nil && shown.variantCount == nil)
    }

    @Test func theBankRefusesVariantsThatDoNotStartWithTheQuestionOrPrintAlike() throws {
        var question = try Self.question()
        let validator = BankValidator(file: "b.json")
        #expect(validator.questionProblems([question], topicIDs: ["coroutines"]).isEmpty)
        question.variants?[0].answer = "6\n"
        question.variants?[2].answer = "13"
        question.variants?[1].code = " "
        #expect(
            validator.questionProblems([question], topicIDs: ["coroutines"]) == [
                "b.json: question \"sum\": variants[0] must be the question's own code and answer",
                "b.json: question \"sum\": variants[1] has no code",
                "b.json: question \"sum\": two variants have the same answer",
            ]
        )
    }

    @Test func theBuiltInBankHasVariantsWhoseFirstIsTheQuestion() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("questions.json")
        let bank = try QuestionBank.load(contentsOf: url)
        let varied = bank.questions.filter(\.hasVariants)
        #expect(varied.count >= 12)
        for question in varied {
            #expect(question.kind == .predictOutput && question.variantCount >= 3, "\(question.id)")
            #expect(question.variant(0)?.code == question.code, "\(question.id)")
        }
        #expect(BankValidator(file: "questions.json").problems(in: bank).isEmpty)
    }

    @Test func aStudentsPickIsStableAndSpreadsOverTheVariants() {
        let pick = { (student: String, attempts: Int) in
            VariantAssignment.pick(studentID: student, questionID: "sum", attempts: attempts, count: 4)
        }
        #expect(pick("ada", 0) == pick("ada", 0))
        #expect(VariantAssignment.pick(studentID: "ada", questionID: "sum", attempts: 0, count: 1) == 0)
        // The Python test (Tests/api/test_predict_variants.py) computes the same FNV-1a 64.
        var counts = [0, 0, 0, 0]
        for n in 0..<400 { counts[pick("student-\(n)", 0)] += 1 }
        #expect(counts.allSatisfy { $0 > 60 }, "\(counts)")
        // A student's later attempts do not stay on one variant.
        #expect(Set((0..<12).map { pick("ada", $0) }).count > 1)
    }
}
