import Foundation
import QuizApp
import QuizCore
import Testing

/// Banks as data: a teacher's bank folder, several banks at once, and the checks that name the file of each
/// problem. In process; the grader is not asked (its checks run in the live tests).
@Suite("Banks from files and folders, in process")
struct BankSourceTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let bootcamp = repo.appendingPathComponent("examples/async-bootcamp").path
    static let builtIn = repo.appendingPathComponent("questions.json").path
    static let bootcampIDs = [
        "bootcamp-wait-random", "bootcamp-wait-n", "bootcamp-measure-time", "bootcamp-task-wait-random",
        "bootcamp-task-wait-n", "bootcamp-async-generator", "bootcamp-async-comprehension", "bootcamp-measure-runtime",
    ]

    @Test func aTeachersBankFolderIsReadWithItsTextAndGradingData() throws {
        let parts = try BankSource.parts(at: Self.bootcamp)
        #expect(parts.count == 1)
        let questions = try #require(parts.first).bank.questions
        #expect(questions.map(\.id) == Self.bootcampIDs)
        for question in questions {
            #expect(question.kind == .code)
            #expect(!(question.prompt.isEmpty || question.explanation.isEmpty))
            #expect(question.solution?.contains("def ") == true)
            #expect((question.wrongSolutions ?? []).allSatisfy { !$0.code.isEmpty })
            guard case .array(let tasks) = question.grading?.members["tasks"] ?? .null else {
                Issue.record("\(question.id) has no tasks")
                continue
            }
            #expect(!tasks.isEmpty)
        }
    }

    @Test func theBuiltInBankAndTheBootcampLoadTogether() async throws {
        let bank = try await BankLoader().load([Self.builtIn, Self.bootcamp], grader: nil)
        for id in Self.bootcampIDs { #expect(bank.question(id) != nil) }
        #expect(bank.question("code-fetch-all") != nil)
        #expect(bank.topics.count == Topic.requiredIDs.count)
    }

    @Test func aBankOfQuestionsAloneGetsTheContractsTopics() async throws {
        let bank = try await BankLoader().load([Self.bootcamp], grader: nil)
        #expect(bank.topics.map(\.id) == Topic.requiredIDs)
        #expect(bank.questions.count == Self.bootcampIDs.count)
    }

    @Test func anIdDefinedInTwoBanksNamesBothFiles() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("banks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("mine.json")
        let source = try JSONDecoder().decode(
            QuestionBank.self,
            from: Data(contentsOf: URL(fileURLWithPath: Self.builtIn))
        )
        let one = try #require(source.question("code-fetch-all"))
        try JSONEncoder().encode(QuestionBank(topics: [], questions: [one])).write(to: copy)
        do {
            _ = try await BankLoader().load([Self.builtIn, folder.path], grader: nil)
            Issue.record("a clash was accepted")
        } catch .invalid(let lines) {
            #expect(
                lines == [
                    "\(folder.lastPathComponent)/mine.json: question \"code-fetch-all\" is already defined in questions.json"
                ]
            )
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func aCodeQuestionWithoutTasksOrEntryIsNamed() {
        var question = Question(
            id: "my-question",
            topic: "tasks",
            kind: .code,
            title: "t",
            prompt: "p",
            explanation: "e",
            starter: "",
            solution: "async def f(): pass",
            wrongSolutions: Array(repeating: .init(code: "x", status: "wrong_answer"), count: 3),
            grading: .object(["tasks": .array([])])
        )
        let validator = BankValidator(file: "mine.json")
        #expect(
            validator.questionProblems([question], topicIDs: ["tasks"]) == [
                "mine.json: question \"my-question\": entry is missing: the name of the function or class the submission defines",
                "mine.json: question \"my-question\": tasks are missing: a code question needs at least one example task",
            ]
        )
        question.grading = .object([
            "entry": .string("f"), "tasks": .array([.object(["name": .string("a")]), .object(["name": .string("a")])]),
        ])
        #expect(
            validator.questionProblems([question], topicIDs: ["tasks"]) == [
                "mine.json: question \"my-question\": task \"a\" is defined twice"
            ]
        )
    }

    @Test func aMisspelledKeyInATeachersQuestionIsNamed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bank-\(UUID().uuidString)")
        let question = folder.appendingPathComponent("bootcamp-wait-random")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(
            at: URL(fileURLWithPath: Self.bootcamp).appendingPathComponent("bootcamp-wait-random"),
            to: question
        )
        try Data(#"{"questions": ["bootcamp-wait-random"]}"#.utf8).write(to: folder.appendingPathComponent("bank.json"))
        let file = question.appendingPathComponent("question.json")
        var members = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: file)).members
        members["helperz"] = .object([:])
        try JSONEncoder().encode(JSONValue.object(members)).write(to: file)
        #expect {
            try BankSource.parts(at: folder.path)
        } throws: { error in
            "\(error)".contains("bootcamp-wait-random/question.json: unknown key \"helperz\" (known: ")
        }
    }

    @Test func hintsAreAtMostThreeAndNeverEmpty() {
        var question = Question(
            id: "hinted",
            topic: "tasks",
            kind: .predictOutput,
            title: "t",
            prompt: "p",
            explanation: "e",
            code: "print(1)",
            answer: "1"
        )
        question.hints = ["a", " ", "c", "d"]
        #expect(
            BankValidator(file: "b.json").questionProblems([question], topicIDs: ["tasks"]) == [
                "b.json: question \"hinted\": has 4 hints; at most 3 may be",
                "b.json: question \"hinted\": hint 2 is empty",
            ]
        )
        #expect(PublicQuestion(question).hintCount == 4)
        question.hints = nil
        #expect(PublicQuestion(question).hintCount == nil)
    }

    @Test func gradingDataSurvivesARoundTrip() throws {
        let question = try #require(try BankSource.parts(at: Self.bootcamp).first?.bank.question("bootcamp-wait-n"))
        let again = try JSONDecoder().decode(Question.self, from: JSONEncoder().encode(question))
        #expect(again == question)
        #expect(PublicQuestionKeys.of(question).isDisjoint(with: Question.gradingKeys))
    }
}

/// The keys a client sees of a question: never its grading data.
enum PublicQuestionKeys {
    static func of(_ question: Question) -> Set<String> {
        guard let data = try? JSONEncoder().encode(PublicQuestion(question)),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [] }
        return Set(object.keys)
    }
}
