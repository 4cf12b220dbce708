import Foundation
import GRDB
import Testing

@testable import Store

@Suite("SQLite store, real file")
struct StoreTests {
    static func directory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)").path
    }

    @Test func theSummaryAgreesWithTheAttemptsItSummarises() async throws {
        let store = try SQLiteStore(directory: Self.directory())
        let group = try await store.createClass(name: "c")
        let ada = try await store.createStudent(name: "Ada", classCode: group.code, tokenHash: "h1")
        for (score, verdict) in [(0.5, "failed"), (1.0, "passed"), (0.0, "failed")] {
            _ = try await store.record(
                AttemptRecord(
                    studentID: ada.id,
                    questionID: "q",
                    kind: "multiple_choice",
                    answer: "{}",
                    verdict: verdict,
                    score: score,
                    tasks: nil,
                    createdAt: Date()
                )
            )
        }
        let results = try #require(try await store.results(classCode: group.code))
        #expect(results.rows.first?.results["q"] == ClassResults.Cell(best: 1, attempts: 3, lastVerdict: "failed"))
    }

    @Test func upgradingFromTheFirstSchemaSummarisesExistingAttempts() async throws {
        let directory = Self.directory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // A database as the first version of the server left it: attempts, no summary.
        let old = try DatabaseQueue(path: directory + "/quiz.sqlite")
        try SQLiteStore.migrator.migrate(old, upTo: "v1")
        try await old.write { db in
            try db.execute(sql: "INSERT INTO classes VALUES ('ABC234', 'c', 0)")
            try db.execute(sql: "INSERT INTO students VALUES ('s1', 'ABC234', 'Ada', 'h', 0)")
            for (id, score, verdict) in [
                (1, 0.25, "failed"), (2, 0.75, "failed"), (3, 0.5, "failed"), (4, 1.0, "passed"),
            ] {
                try db.execute(
                    sql: "INSERT INTO attempts VALUES (?, 's1', ?, 'code', '{}', ?, ?, NULL, 0)",
                    arguments: [id, id == 4 ? "other" : "q", verdict, score]
                )
            }
        }
        try old.close()
        let store = try SQLiteStore(directory: directory)
        let results = try #require(try await store.results(classCode: "ABC234"))
        let cells = try #require(results.rows.first?.results)
        #expect(cells["q"] == ClassResults.Cell(best: 0.75, attempts: 3, lastVerdict: "failed"))
        #expect(cells["other"] == ClassResults.Cell(best: 1, attempts: 1, lastVerdict: "passed"))
    }
}
