/// The schema steps PostgreSQL alone takes, applied after `StoreMigrations.all` and `ClassroomMigrations.all`, by
/// identifier like them (`PostgresStore.migrate`). SQLite has its own for the same features (GRDB migrations
/// `v9-item-analysis` and `v9-regrades`, in `SQLiteStore+Analysis` and `SQLiteStore+Regrades`), since item analysis
/// is kept there by SQLite triggers and JSON functions. Append only.
public enum PostgresMigrations {
    public static let all: [StoreMigration] = [
        // Item analysis, kept as SQLite keeps it (`v9-item-analysis`): grouping a class's 60,000 attempts at every
        // request takes PostgreSQL some 100 ms, and reading each first attempt's choices from its JSON 200 ms more,
        // far over the 50 ms an analysis may take. So triggers on `attempts`, in the transaction of every insert,
        // update and delete (recording, a regrade, a deletion), keep:
        // - `item_stats`: per student and question, the attempts, the best score and the first attempt (its id,
        //   whether it passed, the choices it picked joined by U+001F). Two attempts of one student on one question
        //   recorded at once may commit out of id order: the row keeps the smaller id whichever commits first.
        // - `task_outcomes`: per code attempt and task, its name and status (with the attempt's student, question and
        //   time, so that counting them reads this table only). Deleted with its attempt (ON DELETE CASCADE).
        // Text that is not JSON, or not of the expected shape, counts as no tasks or no choices: a malformed row never
        // refuses an attempt. A class's deletion (`quiz.deleting_class` set for its transaction) deletes its summaries
        // itself: the trigger skips the per attempt work there.
        StoreMigration(
            identifier: "v13-pg-item-analysis",
            sqlite: [],
            postgres: [
                """
                CREATE FUNCTION quiz_jsonb(body text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
                BEGIN
                    RETURN body::jsonb;
                EXCEPTION WHEN others THEN
                    RETURN NULL;
                END $$
                """,
                """
                CREATE FUNCTION quiz_choices(kind text, answer text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
                    SELECT CASE WHEN kind IN ('single_choice', 'multiple_choice') THEN
                        (SELECT string_agg(c.value #>> '{}', chr(31) ORDER BY c.position)
                         FROM jsonb_array_elements(CASE WHEN jsonb_typeof(quiz_jsonb(answer)->'choices') = 'array'
                                 THEN quiz_jsonb(answer)->'choices' ELSE '[]'::jsonb END)
                             WITH ORDINALITY AS c(value, position)
                         WHERE jsonb_typeof(c.value) = 'string')
                    END
                $$
                """,
                """
                CREATE TABLE item_stats (
                    student_id TEXT NOT NULL,
                    question_id TEXT NOT NULL,
                    attempts INTEGER NOT NULL,
                    best DOUBLE PRECISION NOT NULL,
                    first_id BIGINT NOT NULL,
                    first_passed BOOLEAN NOT NULL,
                    first_choices TEXT,
                    PRIMARY KEY (student_id, question_id))
                """,
                """
                CREATE FUNCTION quiz_item_stats() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        INSERT INTO item_stats AS i
                            (student_id, question_id, attempts, best, first_id, first_passed, first_choices)
                        VALUES (NEW.student_id, NEW.question_id, 1, NEW.score, NEW.id, NEW.verdict = 'passed',
                            quiz_choices(NEW.kind, NEW.answer))
                        ON CONFLICT (student_id, question_id) DO UPDATE SET
                            attempts = i.attempts + 1,
                            best = GREATEST(i.best, excluded.best),
                            first_id = LEAST(i.first_id, excluded.first_id),
                            first_passed = CASE WHEN excluded.first_id < i.first_id
                                THEN excluded.first_passed ELSE i.first_passed END,
                            first_choices = CASE WHEN excluded.first_id < i.first_id
                                THEN excluded.first_choices ELSE i.first_choices END;
                    ELSIF TG_OP = 'UPDATE' THEN
                        UPDATE item_stats SET
                            best = (SELECT max(score) FROM attempts
                                    WHERE student_id = NEW.student_id AND question_id = NEW.question_id),
                            first_passed = CASE WHEN first_id = NEW.id THEN NEW.verdict = 'passed' ELSE first_passed END
                        WHERE student_id = NEW.student_id AND question_id = NEW.question_id;
                    ELSIF current_setting('quiz.deleting_class', true) IS DISTINCT FROM 'on' THEN
                        UPDATE item_stats i SET
                            attempts = i.attempts - 1,
                            best = COALESCE((SELECT max(score) FROM attempts
                                    WHERE student_id = OLD.student_id AND question_id = OLD.question_id), 0),
                            first_id = COALESCE((SELECT min(id) FROM attempts
                                    WHERE student_id = OLD.student_id AND question_id = OLD.question_id), 0)
                        WHERE i.student_id = OLD.student_id AND i.question_id = OLD.question_id;
                        UPDATE item_stats i SET
                            first_passed = COALESCE((SELECT f.verdict = 'passed' FROM attempts f WHERE f.id = i.first_id),
                                false),
                            first_choices = (SELECT quiz_choices(f.kind, f.answer) FROM attempts f WHERE f.id = i.first_id)
                        WHERE i.student_id = OLD.student_id AND i.question_id = OLD.question_id;
                        DELETE FROM item_stats
                        WHERE student_id = OLD.student_id AND question_id = OLD.question_id AND attempts <= 0;
                    END IF;
                    RETURN NULL;
                END $$
                """,
                """
                CREATE TRIGGER attempts_item_stats AFTER INSERT OR UPDATE OF score, verdict OR DELETE ON attempts
                FOR EACH ROW EXECUTE FUNCTION quiz_item_stats()
                """,
                """
                INSERT INTO item_stats (student_id, question_id, attempts, best, first_id, first_passed, first_choices)
                SELECT g.student_id, g.question_id, g.n, g.best, g.first_id, f.verdict = 'passed',
                    quiz_choices(f.kind, f.answer)
                FROM (SELECT student_id, question_id, count(*) AS n, max(score) AS best, min(id) AS first_id
                      FROM attempts GROUP BY student_id, question_id) g
                JOIN attempts f ON f.id = g.first_id
                """,
                """
                CREATE TABLE task_outcomes (
                    attempt_id BIGINT NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    student_id TEXT NOT NULL,
                    question_id TEXT NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL,
                    task TEXT NOT NULL,
                    status TEXT NOT NULL,
                    PRIMARY KEY (attempt_id, position))
                """,
                """
                CREATE INDEX task_outcomes_for_analysis
                ON task_outcomes(student_id, question_id, created_at) INCLUDE (task, status)
                """,
                """
                CREATE INDEX attempts_for_analysis
                ON attempts(student_id, question_id) INCLUDE (id, created_at, score, verdict, kind)
                """,
                """
                CREATE FUNCTION quiz_task_outcomes() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'UPDATE' THEN
                        DELETE FROM task_outcomes WHERE attempt_id = OLD.id;
                    END IF;
                    INSERT INTO task_outcomes (attempt_id, position, student_id, question_id, created_at, task, status)
                    SELECT NEW.id, t.position, NEW.student_id, NEW.question_id, NEW.created_at,
                        COALESCE(t.value->>'name', ''), COALESCE(t.value->>'status', '')
                    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(quiz_jsonb(NEW.tasks)) = 'array'
                            THEN quiz_jsonb(NEW.tasks) ELSE '[]'::jsonb END) WITH ORDINALITY AS t(value, position)
                    WHERE jsonb_typeof(t.value) = 'object';
                    RETURN NULL;
                END $$
                """,
                """
                CREATE TRIGGER attempts_task_outcomes AFTER INSERT OR UPDATE OF tasks ON attempts
                FOR EACH ROW EXECUTE FUNCTION quiz_task_outcomes()
                """,
                """
                INSERT INTO task_outcomes (attempt_id, position, student_id, question_id, created_at, task, status)
                SELECT a.id, t.position, a.student_id, a.question_id, a.created_at,
                    COALESCE(t.value->>'name', ''), COALESCE(t.value->>'status', '')
                FROM attempts a, jsonb_array_elements(CASE WHEN jsonb_typeof(quiz_jsonb(a.tasks)) = 'array'
                        THEN quiz_jsonb(a.tasks) ELSE '[]'::jsonb END) WITH ORDINALITY AS t(value, position)
                WHERE a.tasks IS NOT NULL AND jsonb_typeof(t.value) = 'object'
                """,
            ]
        ),
        // Regrades, as SQLite's `v9-regrades`: a job per class and question (one running at a time), an item per
        // attempt. No foreign keys to classes or attempts: a class's deletion is not stopped by a regrade's history.
        StoreMigration(
            identifier: "v13-pg-regrades",
            sqlite: [],
            postgres: [
                """
                CREATE TABLE regrades (
                    id TEXT PRIMARY KEY,
                    class_code TEXT NOT NULL,
                    question_id TEXT NOT NULL,
                    status TEXT NOT NULL,
                    version_to TEXT,
                    created_at DOUBLE PRECISION NOT NULL,
                    finished_at DOUBLE PRECISION)
                """,
                "CREATE UNIQUE INDEX regrades_running ON regrades(class_code, question_id) WHERE status = 'running'",
                "CREATE INDEX regrades_by_status ON regrades(status, created_at)",
                """
                CREATE TABLE regrade_items (
                    regrade_id TEXT NOT NULL,
                    attempt_id BIGINT NOT NULL,
                    state TEXT NOT NULL,
                    from_score DOUBLE PRECISION,
                    to_score DOUBLE PRECISION,
                    from_verdict TEXT,
                    to_verdict TEXT,
                    reason TEXT,
                    PRIMARY KEY (regrade_id, attempt_id))
                """,
                "CREATE INDEX regrade_items_by_state ON regrade_items(regrade_id, state, attempt_id)",
            ]
        ),
        // Deleting a class deletes its attempts; the foreign key from `idempotency_keys` makes PostgreSQL look for keys
        // referring to each deleted attempt, which without this index is a scan of every key per attempt.
        StoreMigration(
            identifier: "v13-pg-class-delete",
            sqlite: [],
            postgres: ["CREATE INDEX idempotency_keys_by_attempt ON idempotency_keys(attempt_id)"]
        ),
    ]
}
