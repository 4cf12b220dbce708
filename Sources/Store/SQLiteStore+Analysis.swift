import Foundation
import GRDB

/// Item analysis in SQLite (migration `v9-item-analysis`). Reading every attempt of a class of 300 (60,000 of
/// them, code attempts with 1–2 KB of task JSON each) takes far longer than the 50 ms an analysis may take, so
/// triggers on `attempts` keep three summaries in the same transaction as every insert, update and delete (whoever
/// writes: recording, a regrade, a deletion), and an analysis reads those:
/// - `item_stats`: per student and question, the attempts, the best score, and the first attempt (its id, whether
///   it passed, the choices it picked, joined by U+001F);
/// - `task_outcomes`: per code attempt and task, the task's name and status;
/// - `class_task_tallies`: per class, question, task and status, how many attempts ended so.
/// An assignment's analysis counts only attempts made from its `opens_at` on, so it reads the attempts of its
/// questions themselves (a few thousand) with `task_outcomes`.
extension SQLiteStore: AnalysisStore {
    /// The choices of a choice question's answer (`{"choices":[…]}`), joined by U+001F; NULL for other kinds.
    private static func firstChoices(_ row: String) -> String {
        """
        CASE WHEN \(row).kind IN ('single_choice', 'multiple_choice') THEN
            (SELECT group_concat(value, char(31)) FROM json_each(
                CASE WHEN json_valid(\(row).answer) THEN \(row).answer ELSE '{}' END, '$.choices')
             WHERE type = 'text')
        END
        """
    }

    /// Each task of an attempt (`tasks`: a JSON array of objects with `name` and `status`), tolerating text that is
    /// not JSON: a malformed row is counted as no tasks, never an error that would refuse the attempt.
    private static func tasksOf(_ row: String) -> String {
        """
        json_each(CASE WHEN json_valid(\(row).tasks) THEN \(row).tasks ELSE '[]' END) AS t
        """
    }

    private static let taskName = "COALESCE(json_extract(t.value, '$.name'), '')"
    private static let taskStatus = "COALESCE(json_extract(t.value, '$.status'), '')"

    static func registerAnalysisMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9-item-analysis") { db in
            try db.execute(
                sql: """
                    CREATE TABLE item_stats (
                        student_id TEXT NOT NULL,
                        question_id TEXT NOT NULL,
                        attempts INTEGER NOT NULL,
                        best DOUBLE NOT NULL,
                        first_id INTEGER NOT NULL,
                        first_passed INTEGER NOT NULL,
                        first_choices TEXT,
                        PRIMARY KEY (student_id, question_id)) WITHOUT ROWID;
                    CREATE TABLE task_outcomes (
                        attempt_id INTEGER NOT NULL,
                        position INTEGER NOT NULL,
                        task TEXT NOT NULL,
                        status TEXT NOT NULL,
                        PRIMARY KEY (attempt_id, position)) WITHOUT ROWID;
                    CREATE TABLE class_task_tallies (
                        class_code TEXT NOT NULL,
                        question_id TEXT NOT NULL,
                        task TEXT NOT NULL,
                        status TEXT NOT NULL,
                        count INTEGER NOT NULL,
                        PRIMARY KEY (class_code, question_id, task, status)) WITHOUT ROWID;
                    CREATE INDEX students_by_class ON students(class_code, id, removed_at, token_hash);
                    CREATE INDEX attempts_for_analysis ON attempts(student_id, question_id, created_at, score, verdict, kind);

                    INSERT INTO item_stats (student_id, question_id, attempts, best, first_id, first_passed, first_choices)
                        SELECT g.student_id, g.question_id, g.n, g.best, g.first_id, f.verdict = 'passed',
                            \(firstChoices("f"))
                        FROM (SELECT student_id, question_id, COUNT(*) AS n, MAX(score) AS best, MIN(id) AS first_id
                              FROM attempts GROUP BY student_id, question_id) g
                        JOIN attempts f ON f.id = g.first_id;
                    INSERT INTO task_outcomes (attempt_id, position, task, status)
                        SELECT a.id, t.key, \(taskName), \(taskStatus)
                        FROM attempts a, \(tasksOf("a")) WHERE a.tasks IS NOT NULL AND t.type = 'object';
                    INSERT INTO class_task_tallies (class_code, question_id, task, status, count)
                        SELECT s.class_code, a.question_id, o.task, o.status, COUNT(*)
                        FROM task_outcomes o JOIN attempts a ON a.id = o.attempt_id JOIN students s ON s.id = a.student_id
                        GROUP BY s.class_code, a.question_id, o.task, o.status;

                    CREATE TRIGGER item_analysis_insert AFTER INSERT ON attempts BEGIN
                        INSERT INTO item_stats
                            (student_id, question_id, attempts, best, first_id, first_passed, first_choices)
                        SELECT NEW.student_id, NEW.question_id, 1, NEW.score, NEW.id, NEW.verdict = 'passed',
                            \(firstChoices("NEW"))
                        WHERE true
                        ON CONFLICT (student_id, question_id) DO UPDATE SET
                            attempts = attempts + 1, best = MAX(best, excluded.best);
                        INSERT INTO task_outcomes (attempt_id, position, task, status)
                            SELECT NEW.id, t.key, \(taskName), \(taskStatus)
                            FROM \(tasksOf("NEW")) WHERE NEW.tasks IS NOT NULL AND t.type = 'object';
                        INSERT INTO class_task_tallies (class_code, question_id, task, status, count)
                            SELECT s.class_code, NEW.question_id, o.task, o.status, COUNT(*)
                            FROM task_outcomes o JOIN students s ON s.id = NEW.student_id
                            WHERE o.attempt_id = NEW.id GROUP BY o.task, o.status
                        ON CONFLICT (class_code, question_id, task, status) DO UPDATE SET
                            count = count + excluded.count;
                    END;

                    CREATE TRIGGER item_analysis_score AFTER UPDATE OF score, verdict ON attempts BEGIN
                        UPDATE item_stats SET
                            best = (SELECT MAX(score) FROM attempts
                                    WHERE student_id = NEW.student_id AND question_id = NEW.question_id),
                            first_passed = CASE WHEN first_id = NEW.id THEN NEW.verdict = 'passed' ELSE first_passed END
                        WHERE student_id = NEW.student_id AND question_id = NEW.question_id;
                    END;

                    CREATE TRIGGER item_analysis_tasks AFTER UPDATE OF tasks ON attempts BEGIN
                        UPDATE class_task_tallies SET count = count - (
                                SELECT COUNT(*) FROM task_outcomes o WHERE o.attempt_id = OLD.id
                                AND o.task = class_task_tallies.task AND o.status = class_task_tallies.status)
                        WHERE class_code = (SELECT class_code FROM students WHERE id = OLD.student_id)
                            AND question_id = OLD.question_id;
                        DELETE FROM class_task_tallies WHERE count <= 0
                            AND class_code = (SELECT class_code FROM students WHERE id = OLD.student_id)
                            AND question_id = OLD.question_id;
                        DELETE FROM task_outcomes WHERE attempt_id = OLD.id;
                        INSERT INTO task_outcomes (attempt_id, position, task, status)
                            SELECT NEW.id, t.key, \(taskName), \(taskStatus)
                            FROM \(tasksOf("NEW")) WHERE NEW.tasks IS NOT NULL AND t.type = 'object';
                        INSERT INTO class_task_tallies (class_code, question_id, task, status, count)
                            SELECT s.class_code, NEW.question_id, o.task, o.status, COUNT(*)
                            FROM task_outcomes o JOIN students s ON s.id = NEW.student_id
                            WHERE o.attempt_id = NEW.id GROUP BY o.task, o.status
                        ON CONFLICT (class_code, question_id, task, status) DO UPDATE SET
                            count = count + excluded.count;
                    END;

                    CREATE TRIGGER item_analysis_delete AFTER DELETE ON attempts BEGIN
                        UPDATE class_task_tallies SET count = count - (
                                SELECT COUNT(*) FROM task_outcomes o WHERE o.attempt_id = OLD.id
                                AND o.task = class_task_tallies.task AND o.status = class_task_tallies.status)
                        WHERE class_code = (SELECT class_code FROM students WHERE id = OLD.student_id)
                            AND question_id = OLD.question_id;
                        DELETE FROM class_task_tallies WHERE count <= 0
                            AND class_code = (SELECT class_code FROM students WHERE id = OLD.student_id)
                            AND question_id = OLD.question_id;
                        DELETE FROM task_outcomes WHERE attempt_id = OLD.id;
                        UPDATE item_stats SET
                            attempts = attempts - 1,
                            best = COALESCE((SELECT MAX(score) FROM attempts
                                    WHERE student_id = OLD.student_id AND question_id = OLD.question_id), 0),
                            first_id = COALESCE((SELECT MIN(id) FROM attempts
                                    WHERE student_id = OLD.student_id AND question_id = OLD.question_id), 0)
                        WHERE student_id = OLD.student_id AND question_id = OLD.question_id;
                        UPDATE item_stats SET
                            first_passed = COALESCE((SELECT f.verdict = 'passed' FROM attempts f
                                WHERE f.id = item_stats.first_id), 0),
                            first_choices = (SELECT \(firstChoices("f")) FROM attempts f WHERE f.id = item_stats.first_id)
                        WHERE student_id = OLD.student_id AND question_id = OLD.question_id AND first_id != OLD.id;
                        DELETE FROM item_stats
                        WHERE student_id = OLD.student_id AND question_id = OLD.question_id AND attempts <= 0;
                    END;
                    """
            )
        }
    }

    /// The condition on `s` (students) for a counted student: neither removed nor waiting for approval.
    private static let counted = "s.removed_at IS NULL AND s.token_hash NOT LIKE '\(pendingPrefix)%'"

    public func itemAnalysis(classCode: String, scope: AnalysisScope?) async throws -> ItemAnalysisData {
        try await pool.read { db in
            guard let scope else { return try Self.classAnalysis(db, classCode: classCode) }
            return try Self.scopedAnalysis(db, classCode: classCode, scope: scope)
        }
    }

    /// Every attempt of the class, from the summaries: one row per counted student and question, and the class's
    /// task tallies less those of the students not counted (removed ones; usually none).
    private static func classAnalysis(_ db: Database, classCode: String) throws -> ItemAnalysisData {
        let questions = try sums(
            db,
            sql: """
                SELECT s.rowid, i.question_id, i.attempts, i.best, i.first_passed, i.first_choices
                FROM students s JOIN item_stats i ON i.student_id = s.id
                WHERE s.class_code = ? AND \(counted)
                ORDER BY s.id
                """,
            arguments: [classCode]
        )
        var tallies: [TallyKey: Int] = [:]
        for row in try Row.fetchAll(
            db,
            sql: "SELECT question_id, task, status, count FROM class_task_tallies WHERE class_code = ?",
            arguments: [classCode]
        ) {
            tallies[TallyKey(question: row[0], task: row[1], status: row[2]), default: 0] += row[3] as Int
        }
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT a.question_id, o.task, o.status, COUNT(*)
                FROM students s JOIN attempts a ON a.student_id = s.id JOIN task_outcomes o ON o.attempt_id = a.id
                WHERE s.class_code = ? AND NOT (\(counted))
                GROUP BY a.question_id, o.task, o.status
                """,
            arguments: [classCode]
        ) {
            tallies[TallyKey(question: row[0], task: row[1], status: row[2]), default: 0] -= row[3] as Int
        }
        return ItemAnalysisData(
            questions: questions,
            taskTallies: tallies.filter { $0.value > 0 }.map {
                TaskTally(questionID: $0.key.question, task: $0.key.task, status: $0.key.status, count: $0.value)
            }
        )
    }

    /// The attempts on the scope's questions made from `since` on, grouped here (through the covering index
    /// `attempts_for_analysis`: the attempts' rows, with their code and tasks, are not read).
    private static func scopedAnalysis(
        _ db: Database,
        classCode: String,
        scope: AnalysisScope
    ) throws
        -> ItemAnalysisData
    {
        guard !scope.questionIDs.isEmpty else { return ItemAnalysisData(questions: [:], taskTallies: []) }
        let marks = Array(repeating: "?", count: scope.questionIDs.count).joined(separator: ",")
        var arguments: StatementArguments = [classCode, scope.since.timeIntervalSince1970]
        for id in scope.questionIDs { arguments += [id] }
        let filter = """
            s.class_code = ? AND \(counted) AND a.created_at >= ? AND a.question_id IN (\(marks))
            """
        let questions = try sums(
            db,
            sql: """
                WITH g AS (
                    SELECT s.rowid AS student, a.question_id AS question, COUNT(*) AS n, MAX(a.score) AS best,
                        MIN(a.id * 2 + (a.verdict = 'passed')) AS first,
                        MAX(a.kind IN ('single_choice', 'multiple_choice')) AS choice
                    FROM students s JOIN attempts a ON a.student_id = s.id
                    WHERE \(filter)
                    GROUP BY a.student_id, a.question_id)
                SELECT g.student, g.question, g.n, g.best, g.first % 2,
                    CASE WHEN g.choice THEN (SELECT \(firstChoices("f")) FROM attempts f WHERE f.id = g.first / 2) END
                FROM g ORDER BY g.student
                """,
            arguments: arguments
        )
        let tallies = try Row.fetchAll(
            db,
            sql: """
                SELECT a.question_id, o.task, o.status, COUNT(*)
                FROM students s JOIN attempts a ON a.student_id = s.id JOIN task_outcomes o ON o.attempt_id = a.id
                WHERE \(filter)
                GROUP BY a.question_id, o.task, o.status
                """,
            arguments: arguments
        ).map { TaskTally(questionID: $0[0], task: $0[1], status: $0[2], count: $0[3]) }
        return ItemAnalysisData(questions: questions, taskTallies: tallies)
    }

    /// Rows of (student's rowid, question, attempts, best, first passed, first choices), all of a student's
    /// together, summed as they are stepped through (a cursor, not an array: the whole class has tens of thousands
    /// of them). Through GRDB's rows only: C pointers stay in the HTTP module.
    private static func sums(_ db: Database, sql: String, arguments: StatementArguments) throws -> [String: ItemSums] {
        let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        var accumulator = ItemAccumulator()
        while let row = try cursor.next() {
            guard var question = row[1] as String? else { continue }
            let student: Int64 = row[0]
            let attempts: Int = row[2]
            let best: Double = row[3]
            let firstPassed = (row[4] as Int64? ?? 0) != 0
            let choices: String? = row[5]
            question.withUTF8 { questionBytes in
                guard var choices else {
                    accumulator.add(
                        student: student,
                        question: UnsafeRawBufferPointer(questionBytes),
                        attempts: attempts,
                        best: best,
                        firstPassed: firstPassed,
                        choices: nil
                    )
                    return
                }
                choices.withUTF8 { choiceBytes in
                    accumulator.add(
                        student: student,
                        question: UnsafeRawBufferPointer(questionBytes),
                        attempts: attempts,
                        best: best,
                        firstPassed: firstPassed,
                        choices: UnsafeRawBufferPointer(choiceBytes)
                    )
                }
            }
        }
        return accumulator.finish()
    }

    private struct TallyKey: Hashable {
        var question, task, status: String
    }
}
