/// One step of the schema, in both dialects. The list below is the only place a schema change is made: SQLite's
/// migrator (GRDB's, in `grdb_migrations`) and PostgreSQL's (in `store_migrations`) both apply it in order, by
/// identifier, and the shared test suite runs against both stores, so the two cannot drift.
public struct StoreMigration: Sendable {
    public let identifier: String
    /// Statements for SQLite, run in one transaction.
    public let sqlite: [String]
    /// Statements for PostgreSQL, run in one transaction (one statement each: prepared statements take one).
    public let postgres: [String]
}

public enum StoreMigrations {
    /// Every migration, oldest first. Append only: an identifier once shipped is never changed or removed.
    public static let all: [StoreMigration] = [
        StoreMigration(
            identifier: "v1",
            sqlite: [
                """
                CREATE TABLE classes (
                    code TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    created_at DOUBLE NOT NULL);
                CREATE TABLE students (
                    id TEXT PRIMARY KEY,
                    class_code TEXT NOT NULL REFERENCES classes(code),
                    name TEXT NOT NULL,
                    token_hash TEXT NOT NULL UNIQUE,
                    created_at DOUBLE NOT NULL,
                    UNIQUE (class_code, name COLLATE NOCASE));
                CREATE TABLE attempts (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    student_id TEXT NOT NULL REFERENCES students(id),
                    question_id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    answer TEXT NOT NULL,
                    verdict TEXT NOT NULL,
                    score DOUBLE NOT NULL,
                    tasks TEXT,
                    created_at DOUBLE NOT NULL);
                CREATE INDEX attempts_by_student_question ON attempts(student_id, question_id, id);
                """
            ],
            postgres: [
                """
                CREATE TABLE classes (
                    code TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL)
                """,
                """
                CREATE TABLE students (
                    id TEXT PRIMARY KEY,
                    class_code TEXT NOT NULL REFERENCES classes(code),
                    name TEXT NOT NULL,
                    token_hash TEXT NOT NULL UNIQUE,
                    created_at DOUBLE PRECISION NOT NULL)
                """,
                // SQLite's NOCASE folds ASCII letters only; so does lower() under the C collation used here.
                "CREATE UNIQUE INDEX students_class_name ON students (class_code, lower(name COLLATE \"C\"))",
                """
                CREATE TABLE attempts (
                    id BIGSERIAL PRIMARY KEY,
                    student_id TEXT NOT NULL REFERENCES students(id),
                    question_id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    answer TEXT NOT NULL,
                    verdict TEXT NOT NULL,
                    score DOUBLE PRECISION NOT NULL,
                    tasks TEXT,
                    created_at DOUBLE PRECISION NOT NULL)
                """,
                "CREATE INDEX attempts_by_student_question ON attempts(student_id, question_id, id)",
            ]
        ),
        // The teacher's view reads one summary row per student and question instead of grouping every attempt:
        // a class of 300 refreshing every few seconds reads far more often than it writes.
        StoreMigration(
            identifier: "v2-progress",
            sqlite: [
                """
                CREATE TABLE progress (
                    student_id TEXT NOT NULL REFERENCES students(id),
                    question_id TEXT NOT NULL,
                    best DOUBLE NOT NULL,
                    attempts INTEGER NOT NULL,
                    last_verdict TEXT NOT NULL,
                    PRIMARY KEY (student_id, question_id)) WITHOUT ROWID;
                INSERT INTO progress (student_id, question_id, best, attempts, last_verdict)
                    SELECT g.student_id, g.question_id, g.best, g.n, l.verdict
                    FROM (SELECT student_id, question_id, MAX(score) AS best, COUNT(*) AS n, MAX(id) AS last_id
                          FROM attempts GROUP BY student_id, question_id) g
                    JOIN attempts l ON l.id = g.last_id;
                """
            ],
            postgres: [
                """
                CREATE TABLE progress (
                    student_id TEXT NOT NULL REFERENCES students(id),
                    question_id TEXT NOT NULL,
                    best DOUBLE PRECISION NOT NULL,
                    attempts INTEGER NOT NULL,
                    last_verdict TEXT NOT NULL,
                    PRIMARY KEY (student_id, question_id))
                """,
                """
                INSERT INTO progress (student_id, question_id, best, attempts, last_verdict)
                    SELECT g.student_id, g.question_id, g.best, g.n, l.verdict
                    FROM (SELECT student_id, question_id, MAX(score) AS best, COUNT(*) AS n, MAX(id) AS last_id
                          FROM attempts GROUP BY student_id, question_id) g
                    JOIN attempts l ON l.id = g.last_id
                """,
            ]
        ),
        // Which version of a question's data an attempt was graded against (its hash), and the seed of its
        // generated inputs. Nullable: attempts made before are kept as they are.
        StoreMigration(
            identifier: "v3-version-seed",
            sqlite: ["ALTER TABLE attempts ADD COLUMN version TEXT; ALTER TABLE attempts ADD COLUMN seed INTEGER;"],
            postgres: [
                "ALTER TABLE attempts ADD COLUMN version TEXT",
                "ALTER TABLE attempts ADD COLUMN seed BIGINT",
            ]
        ),
        // Idempotent submissions: the first answer to a student's key, kept 24 hours. The key is recorded in the
        // same transaction as its attempt, so a retry either finds it (and records nothing) or records the attempt.
        StoreMigration(
            identifier: "v4-idempotency",
            sqlite: [
                """
                CREATE TABLE idempotency_keys (
                    student_id TEXT NOT NULL REFERENCES students(id),
                    key TEXT NOT NULL,
                    created_at DOUBLE NOT NULL,
                    attempt_id INTEGER REFERENCES attempts(id),
                    response TEXT NOT NULL,
                    PRIMARY KEY (student_id, key)) WITHOUT ROWID;
                CREATE INDEX idempotency_keys_by_age ON idempotency_keys(created_at);
                """
            ],
            postgres: [
                """
                CREATE TABLE idempotency_keys (
                    student_id TEXT NOT NULL REFERENCES students(id),
                    key TEXT NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL,
                    attempt_id BIGINT REFERENCES attempts(id),
                    response TEXT NOT NULL,
                    PRIMARY KEY (student_id, key))
                """,
                "CREATE INDEX idempotency_keys_by_age ON idempotency_keys(created_at)",
            ]
        ),
        // Rate-limit events shared by every instance (used when the store is PostgreSQL; SQLite serves one
        // instance, whose limiter counts in memory). Times are the database's clock, the one clock all share.
        StoreMigration(
            identifier: "v5-rate-events",
            sqlite: [
                """
                CREATE TABLE rate_events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    scope TEXT NOT NULL,
                    key TEXT NOT NULL,
                    at DOUBLE NOT NULL);
                CREATE INDEX rate_events_by_key ON rate_events(scope, key, at);
                """
            ],
            postgres: [
                """
                CREATE TABLE rate_events (
                    id BIGSERIAL PRIMARY KEY,
                    scope TEXT NOT NULL,
                    key TEXT NOT NULL,
                    at DOUBLE PRECISION NOT NULL)
                """,
                "CREATE INDEX rate_events_by_key ON rate_events(scope, key, at)",
            ]
        ),
    ]
}
