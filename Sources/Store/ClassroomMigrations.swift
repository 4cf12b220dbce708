/// The classroom's schema steps, after the shared ones (`StoreMigrations.all`), in both dialects: teachers and the
/// classes they teach, the roster, assignments, sign-in and join policies. SQLite registers them with GRDB
/// (`SQLiteStore.registerClassroomMigrations`), PostgreSQL applies them after the shared ones in `migrate`, both by
/// identifier, so a database either store made earlier is upgraded in place. Append only.
public enum ClassroomMigrations {
    public static let all: [StoreMigration] = [
        // Teachers and the classes they teach. A class without an owner row is the administrator's (every class
        // made before teachers had accounts).
        StoreMigration(
            identifier: "v4-teachers",
            sqlite: [
                """
                CREATE TABLE teachers (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    token_hash TEXT NOT NULL UNIQUE,
                    created_at DOUBLE NOT NULL,
                    deleted_at DOUBLE);
                CREATE TABLE class_teachers (
                    class_code TEXT NOT NULL REFERENCES classes(code),
                    teacher_id TEXT NOT NULL REFERENCES teachers(id),
                    role TEXT NOT NULL,
                    PRIMARY KEY (class_code, teacher_id)) WITHOUT ROWID;
                CREATE INDEX class_teachers_by_teacher ON class_teachers(teacher_id);
                """
            ],
            postgres: [
                """
                CREATE TABLE teachers (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    token_hash TEXT NOT NULL UNIQUE,
                    created_at DOUBLE PRECISION NOT NULL,
                    deleted_at DOUBLE PRECISION)
                """,
                """
                CREATE TABLE class_teachers (
                    class_code TEXT NOT NULL REFERENCES classes(code),
                    teacher_id TEXT NOT NULL REFERENCES teachers(id),
                    role TEXT NOT NULL,
                    PRIMARY KEY (class_code, teacher_id))
                """,
                "CREATE INDEX class_teachers_by_teacher ON class_teachers(teacher_id)",
            ]
        ),
        // The roster: a removed student keeps their row and attempts; their token hash is replaced, so the token
        // they hold matches no one. Readmission codes are kept as hashes, like tokens.
        StoreMigration(
            identifier: "v5-roster",
            sqlite: [
                """
                ALTER TABLE students ADD COLUMN removed_at DOUBLE;
                CREATE TABLE readmit_codes (
                    code_hash TEXT PRIMARY KEY,
                    student_id TEXT NOT NULL REFERENCES students(id),
                    expires_at DOUBLE NOT NULL,
                    used_at DOUBLE);
                CREATE INDEX attempts_by_student ON attempts(student_id, id);
                """
            ],
            postgres: [
                "ALTER TABLE students ADD COLUMN removed_at DOUBLE PRECISION",
                """
                CREATE TABLE readmit_codes (
                    code_hash TEXT PRIMARY KEY,
                    student_id TEXT NOT NULL REFERENCES students(id),
                    expires_at DOUBLE PRECISION NOT NULL,
                    used_at DOUBLE PRECISION)
                """,
                "CREATE INDEX attempts_by_student ON attempts(student_id, id)",
            ]
        ),
        StoreMigration(
            identifier: "v6-assignments",
            sqlite: [
                """
                CREATE TABLE assignments (
                    id TEXT PRIMARY KEY,
                    class_code TEXT NOT NULL REFERENCES classes(code),
                    title TEXT NOT NULL,
                    opens_at DOUBLE NOT NULL,
                    due_at DOUBLE NOT NULL,
                    opens_at_text TEXT NOT NULL,
                    due_at_text TEXT NOT NULL,
                    max_attempts INTEGER,
                    counts TEXT NOT NULL,
                    key TEXT NOT NULL,
                    created_at DOUBLE NOT NULL);
                CREATE INDEX assignments_by_class ON assignments(class_code, due_at);
                CREATE TABLE assignment_questions (
                    assignment_id TEXT NOT NULL REFERENCES assignments(id),
                    question_id TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    PRIMARY KEY (assignment_id, question_id)) WITHOUT ROWID;
                CREATE INDEX assignment_questions_by_question ON assignment_questions(question_id);
                ALTER TABLE attempts ADD COLUMN late INTEGER;
                """
            ],
            postgres: [
                """
                CREATE TABLE assignments (
                    id TEXT PRIMARY KEY,
                    class_code TEXT NOT NULL REFERENCES classes(code),
                    title TEXT NOT NULL,
                    opens_at DOUBLE PRECISION NOT NULL,
                    due_at DOUBLE PRECISION NOT NULL,
                    opens_at_text TEXT NOT NULL,
                    due_at_text TEXT NOT NULL,
                    max_attempts INTEGER,
                    counts TEXT NOT NULL,
                    key TEXT NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL)
                """,
                "CREATE INDEX assignments_by_class ON assignments(class_code, due_at)",
                """
                CREATE TABLE assignment_questions (
                    assignment_id TEXT NOT NULL REFERENCES assignments(id),
                    question_id TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    PRIMARY KEY (assignment_id, question_id))
                """,
                "CREATE INDEX assignment_questions_by_question ON assignment_questions(question_id)",
                "ALTER TABLE attempts ADD COLUMN late BOOLEAN",
            ]
        ),
        // Sign-in names, password hashes (scrypt) and sessions kept as hashes of their cookies.
        StoreMigration(
            identifier: "v7-sign-in",
            sqlite: [
                """
                ALTER TABLE teachers ADD COLUMN login TEXT;
                ALTER TABLE teachers ADD COLUMN password_hash TEXT;
                CREATE UNIQUE INDEX teachers_by_login ON teachers(login) WHERE login IS NOT NULL;
                CREATE TABLE teacher_sessions (
                    token_hash TEXT PRIMARY KEY,
                    teacher_id TEXT NOT NULL REFERENCES teachers(id),
                    expires_at DOUBLE NOT NULL);
                CREATE INDEX teacher_sessions_by_teacher ON teacher_sessions(teacher_id);
                """
            ],
            postgres: [
                "ALTER TABLE teachers ADD COLUMN login TEXT",
                "ALTER TABLE teachers ADD COLUMN password_hash TEXT",
                "CREATE UNIQUE INDEX teachers_by_login ON teachers(login) WHERE login IS NOT NULL",
                """
                CREATE TABLE teacher_sessions (
                    token_hash TEXT PRIMARY KEY,
                    teacher_id TEXT NOT NULL REFERENCES teachers(id),
                    expires_at DOUBLE PRECISION NOT NULL)
                """,
                "CREATE INDEX teacher_sessions_by_teacher ON teacher_sessions(teacher_id)",
            ]
        ),
        StoreMigration(
            identifier: "v8-join-policy",
            sqlite: ["ALTER TABLE classes ADD COLUMN join_policy TEXT NOT NULL DEFAULT 'open'"],
            postgres: ["ALTER TABLE classes ADD COLUMN join_policy TEXT NOT NULL DEFAULT 'open'"]
        ),
        // Hints a student of a class was shown, per question (`HintStore`).
        StoreMigration(
            identifier: "v9-hints-taken",
            sqlite: [
                """
                CREATE TABLE hints_taken (
                    student_id TEXT NOT NULL REFERENCES students(id),
                    question_id TEXT NOT NULL,
                    hints INTEGER NOT NULL,
                    last_at DOUBLE NOT NULL,
                    PRIMARY KEY (student_id, question_id)) WITHOUT ROWID
                """
            ],
            postgres: [
                """
                CREATE TABLE hints_taken (
                    student_id TEXT NOT NULL REFERENCES students(id),
                    question_id TEXT NOT NULL,
                    hints INTEGER NOT NULL,
                    last_at DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (student_id, question_id))
                """
            ]
        ),
        // Teachers' own banks (`TeacherBankStore`): each teacher's id namespace, held for good; a row per bank; a row
        // per question, its id unique across every bank. `owner` is a teacher's id, or '' for the administrator. No
        // foreign key to teachers: a deleted teacher's banks stay, as their classes do.
        StoreMigration(
            identifier: "v10-teacher-banks",
            sqlite: [
                """
                CREATE TABLE bank_namespaces (
                    owner TEXT PRIMARY KEY,
                    namespace TEXT NOT NULL UNIQUE) WITHOUT ROWID;
                CREATE TABLE teacher_banks (
                    id TEXT PRIMARY KEY,
                    owner TEXT NOT NULL,
                    created_at DOUBLE NOT NULL,
                    updated_at DOUBLE NOT NULL);
                CREATE INDEX teacher_banks_by_owner ON teacher_banks(owner, created_at);
                CREATE TABLE bank_questions (
                    question_id TEXT PRIMARY KEY,
                    bank_id TEXT NOT NULL REFERENCES teacher_banks(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    version TEXT NOT NULL,
                    body TEXT NOT NULL);
                CREATE INDEX bank_questions_by_bank ON bank_questions(bank_id, position);
                """
            ],
            postgres: [
                "CREATE TABLE bank_namespaces (owner TEXT PRIMARY KEY, namespace TEXT NOT NULL UNIQUE)",
                """
                CREATE TABLE teacher_banks (
                    id TEXT PRIMARY KEY,
                    owner TEXT NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL,
                    updated_at DOUBLE PRECISION NOT NULL)
                """,
                "CREATE INDEX teacher_banks_by_owner ON teacher_banks(owner, created_at)",
                """
                CREATE TABLE bank_questions (
                    question_id TEXT PRIMARY KEY,
                    bank_id TEXT NOT NULL REFERENCES teacher_banks(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    version TEXT NOT NULL,
                    body TEXT NOT NULL)
                """,
                "CREATE INDEX bank_questions_by_bank ON bank_questions(bank_id, position)",
            ]
        ),
        // A class student's study record on the server (`StudyStore`): a card per question, the graded answers,
        // and the one-time hand-over of their browser's record.
        StoreMigration(
            identifier: "v11-study",
            sqlite: [
                """
                CREATE TABLE study_cards (
                    student_id TEXT NOT NULL REFERENCES students(id),
                    question_id TEXT NOT NULL,
                    card TEXT NOT NULL,
                    last_review DOUBLE NOT NULL,
                    PRIMARY KEY (student_id, question_id)) WITHOUT ROWID;
                CREATE TABLE study_answers (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    student_id TEXT NOT NULL REFERENCES students(id),
                    question_id TEXT NOT NULL,
                    answer TEXT NOT NULL,
                    at DOUBLE NOT NULL);
                CREATE INDEX study_answers_by_student ON study_answers(student_id, at);
                CREATE TABLE study_handovers (
                    student_id TEXT PRIMARY KEY REFERENCES students(id),
                    at DOUBLE NOT NULL);
                """
            ],
            postgres: [
                """
                CREATE TABLE study_cards (
                    student_id TEXT NOT NULL REFERENCES students(id),
                    question_id TEXT NOT NULL,
                    card TEXT NOT NULL,
                    last_review DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (student_id, question_id))
                """,
                """
                CREATE TABLE study_answers (
                    id BIGSERIAL PRIMARY KEY,
                    student_id TEXT NOT NULL REFERENCES students(id),
                    question_id TEXT NOT NULL,
                    answer TEXT NOT NULL,
                    at DOUBLE PRECISION NOT NULL)
                """,
                "CREATE INDEX study_answers_by_student ON study_answers(student_id, at)",
                """
                CREATE TABLE study_handovers (
                    student_id TEXT PRIMARY KEY REFERENCES students(id),
                    at DOUBLE PRECISION NOT NULL)
                """,
            ]
        ),
        // An assignment's optional time limit from first opening (whole minutes), and when each student first
        // opened it (`startAssignment`): one row per student and assignment, the first start kept (a conditional
        // insert), so every instance on the database sees the same start.
        StoreMigration(
            identifier: "v12-assignment-time-limit",
            sqlite: [
                """
                ALTER TABLE assignments ADD COLUMN time_limit_minutes INTEGER;
                CREATE TABLE assignment_starts (
                    assignment_id TEXT NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
                    student_id TEXT NOT NULL REFERENCES students(id) ON DELETE CASCADE,
                    started_at DOUBLE NOT NULL,
                    PRIMARY KEY (assignment_id, student_id)) WITHOUT ROWID;
                CREATE INDEX assignment_starts_by_student ON assignment_starts(student_id);
                """
            ],
            postgres: [
                "ALTER TABLE assignments ADD COLUMN time_limit_minutes INTEGER",
                """
                CREATE TABLE assignment_starts (
                    assignment_id TEXT NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
                    student_id TEXT NOT NULL REFERENCES students(id) ON DELETE CASCADE,
                    started_at DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (assignment_id, student_id))
                """,
                "CREATE INDEX assignment_starts_by_student ON assignment_starts(student_id)",
            ]
        ),
    ]
}
