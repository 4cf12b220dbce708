import Foundation
import QuizCore
import Testing

@Suite("Answers and the bank, in process")
struct QuizCoreTests {
    static func choice(_ id: String, _ correct: Bool) -> Question.Choice {
        .init(id: id, text: "option \(id)", correct: correct, feedback: "because \(id)")
    }

    let multiple = Question(
        id: "multi",
        topic: "tasks",
        kind: .multipleChoice,
        title: "t",
        prompt: "p",
        explanation: "e",
        choices: [choice("a", true), choice("b", true), choice("c", false), choice("d", false)]
    )

    @Test func multipleChoiceGivesPartialCreditFlooredAtZero() {
        #expect(AnswerChecker.grade(multiple, choices: ["a", "b"]).score == 1)
        #expect(AnswerChecker.grade(multiple, choices: ["a", "b"]).verdict == .passed)
        #expect(AnswerChecker.grade(multiple, choices: ["a"]).score == 0.5)
        #expect(AnswerChecker.grade(multiple, choices: ["a"]).verdict == .failed)
        #expect(AnswerChecker.grade(multiple, choices: ["a", "c"]).score == 0)
        #expect(AnswerChecker.grade(multiple, choices: ["c", "d"]).score == 0)
        #expect(AnswerChecker.grade(multiple, choices: ["a", "b", "c"]).score == 0.5)
    }

    @Test func choiceResultsCarryFeedbackOnEveryOption() {
        let result = AnswerChecker.grade(multiple, choices: ["c"])
        #expect(result.feedback?.count == 4)
        #expect(result.feedback?.first { $0.choice == "c" }?.chosen == true)
        #expect(result.feedback?.first { $0.choice == "c" }?.feedback == "because c")
    }

    @Test func singleChoiceIsExact() {
        let single = Question(
            id: "s",
            topic: "tasks",
            kind: .singleChoice,
            title: "t",
            prompt: "p",
            explanation: "e",
            choices: [Self.choice("a", false), Self.choice("b", true)]
        )
        #expect(AnswerChecker.grade(single, choices: ["b"]).score == 1)
        #expect(AnswerChecker.grade(single, choices: ["a"]).score == 0)
    }

    @Test func predictedOutputIgnoresTrailingWhiteSpaceOnly() {
        let question = Question(
            id: "p",
            topic: "tasks",
            kind: .predictOutput,
            title: "t",
            prompt: "p",
            explanation: "e",
            code: "print(1)",
            answer: "start\n  indented\nend\n"
        )
        #expect(AnswerChecker.grade(question, output: "start  \n  indented\t\nend\n\n\n").verdict == .passed)
        #expect(AnswerChecker.grade(question, output: "start\r\n  indented\r\nend").verdict == .passed)
        #expect(AnswerChecker.grade(question, output: "start\nindented\nend").verdict == .failed)
        #expect(AnswerChecker.grade(question, output: "start\n\n  indented\nend").verdict == .failed)
    }

    @Test func aBrokenBankIsRejectedWithPreciseMessages() throws {
        let json = """
            {"version": 1,
             "topics": [{"id": "tasks", "title": "Tasks", "summary": "s"}],
             "questions": [
               {"id": "gather-order", "topic": "tasks", "kind": "single_choice", "title": "t", "difficulty": 1,
                "prompt": "p", "explanation": "e",
                "choices": [{"id": "a", "text": "x", "correct": true, "feedback": "f"},
                            {"id": "c", "text": "y", "correct": true, "feedback": " "}]},
               {"id": "gather-order", "topic": "nowhere", "kind": "predict_output", "title": "t", "difficulty": 5,
                "prompt": "p", "explanation": ""},
               {"id": "none-right", "topic": "tasks", "kind": "multiple_choice", "title": "t", "difficulty": 2,
                "prompt": "p", "explanation": "e",
                "choices": [{"id": "a", "text": "x", "correct": false, "feedback": "f"},
                            {"id": "b", "text": "y", "correct": false, "feedback": "g"}]},
               {"id": "code-x", "topic": "tasks", "kind": "code", "title": "t", "difficulty": 2, "prompt": "p",
                "explanation": "e", "starter": "", "solution": "pass", "wrong_solutions": []}
             ]}
            """
        let bank = try QuestionBank.decode(Data(json.utf8), file: "questions.json")
        let problems = Set(BankValidator(file: "questions.json").problems(in: bank))
        let expected: Set<String> = [
            "questions.json: topic \"awaitables\" is missing",
            "questions.json: question \"gather-order\": choice \"c\" has no feedback",
            "questions.json: question \"gather-order\": a single choice question has 2 correct choices",
            "questions.json: question \"gather-order\" is defined twice",
            "questions.json: question \"gather-order\": unknown topic \"nowhere\"",
            "questions.json: question \"gather-order\": difficulty must be 1, 2 or 3",
            "questions.json: question \"gather-order\": explanation is empty",
            "questions.json: question \"gather-order\": code is missing",
            "questions.json: question \"gather-order\": answer is missing",
            "questions.json: question \"none-right\": no choice is correct",
            "questions.json: question \"code-x\": needs at least three wrong solutions",
        ]
        for line in expected { #expect(problems.contains(line), "missing: \(line)") }
    }

    @Test func aMultipleChoiceQuestionNeedsOneToFourRightOptionsAndOneWrong() throws {
        func question(_ id: String, _ rights: [Bool]) -> String {
            let choices = rights.enumerated().map { index, right in
                #"{"id": "\#(index)", "text": "t\#(index)", "correct": \#(right), "feedback": "f"}"#
            }
            return #"{"id": "\#(id)", "topic": "tasks", "kind": "multiple_choice", "title": "t", "difficulty": 2, "#
                + #""prompt": "p", "explanation": "e", "choices": [\#(choices.joined(separator: ", "))]}"#
        }
        let questions = [
            question("none-right", [false, false, false]),
            question("five-right", [true, true, true, true, true, false]),
            question("all-right", [true, true, true]),
            question("all-five-right", [true, true, true, true, true]),
            question("one-right", [true, false, false, false, false]),
            question("four-right", [true, true, true, true, false]),
        ]
        let topics = #"[{"id": "tasks", "title": "Tasks", "summary": "s"}]"#
        let json = #"{"version": 1, "topics": \#(topics), "questions": ["# + questions.joined(separator: ", ") + "]}"
        let bank = try QuestionBank.decode(Data(json.utf8), file: "questions.json")
        let problems = BankValidator(file: "questions.json").problems(in: bank)
            .filter { !$0.contains("topic \"") }
        #expect(
            problems == [
                "questions.json: question \"none-right\": no choice is correct",
                "questions.json: question \"five-right\": a multiple choice question has 5 correct choices; at most 4 may be",
                "questions.json: question \"all-right\": every choice is correct: nothing to tell apart",
                "questions.json: question \"all-five-right\": every choice is correct: nothing to tell apart",
                "questions.json: question \"all-five-right\": a multiple choice question has 5 correct choices; at most 4 may be",
            ]
        )
    }

    @Test func aBankOfTheWrongShapeNamesThePlace() {
        let json = #"{"version": 1, "topics": [], "questions": [{"id": "x", "topic": "tasks"}]}"#
        #expect {
            try QuestionBank.decode(Data(json.utf8), file: "questions.json")
        } throws: { error in
            "\(error)".hasPrefix("questions.json: .questions[0].kind is missing")
        }
    }

    @Test func theRepositoryBankIsValid() throws {
        let bank = try QuestionBank.load(contentsOf: Repository.root.appendingPathComponent("questions.json"))
        #expect(BankValidator(file: "questions.json").problems(in: bank) == [])
    }
}
