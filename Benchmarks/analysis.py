"""`make bench`, section "Item analysis": a class of 300 students with 20 assignments and 60,000 recorded attempts;
how fast `GET /api/v1/classes/{code}/analysis` answers, for the whole class and for one assignment, and the
teacher's other views on the same data: the results matrix, an assignment's results, one student's attempts
(target for each: p95 ≤ 50 ms).

The server is the release binary on its own data directory. The class, its students and its assignments are made
through the API; the 60,000 attempts are written straight into the server's SQLite file (through the API they
would take minutes of sandbox time), in one transaction, so the triggers that keep the analysis's summaries run
on every row as they do when an attempt is recorded. The code attempts carry task results graded for real by the
server (each code question's model solution and wrong solutions, sent once each), so their JSON is the real size.
Each student has an ability; whether an attempt is right follows it, so the discrimination indices are not noise.
"""
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as base  # noqa: E402  (the helpers of Benchmarks/run.py)

STUDENTS = 300
ASSIGNMENTS = 20
WEEK = 7 * 24 * 3600
# Per student and assignment: (kind, attempts) for its five questions; 10 attempts, 60,000 in all.
PLAN = [("code", 4), ("single_choice", 2), ("single_choice", 1), ("multiple_choice", 2), ("predict_output", 1)]
SAMPLES = 60
# The release binary, as `make bench` builds it; another one may be named to try the script.
SERVER = os.environ.get("BENCH_ANALYSIS_SERVER", base.SERVER)


def graded_templates(port, question):
    """The server's real results for a code question's model solution and wrong solutions: (passed, result)."""
    out = []
    for code in [question["solution"]] + [w["code"] for w in question.get("wrong_solutions", [])][:3]:
        status, data = base.request(port, "POST", f"/api/v1/questions/{question['id']}/attempts", {"code": code})
        assert status == 200, data[:300]
        result = json.loads(data)
        out.append((code, result))
    return out


def seed(db_path, code, students, assignments, questions, templates, rng):
    """Writes the attempts (and the results' summary rows) straight into the server's file; returns the count."""
    rows = []
    for s, (student_id, ability) in enumerate(students):
        for a, (assignment, qids) in enumerate(zip(assignments, questions)):
            opens = assignment["opens"]
            for (kind, count), qid in zip(PLAN, qids):
                for k in range(count):
                    at = opens + rng.random() * WEEK * 1.2          # some after the due time
                    # Later attempts are more often right; abler students are more often right.
                    p = min(0.95, max(0.05, ability + 0.15 * k))
                    right = rng.random() < p
                    if kind == "code":
                        passing = [t for t in templates[qid] if t[1]["verdict"] == "passed"]
                        failing = [t for t in templates[qid] if t[1]["verdict"] != "passed"] or passing
                        passing = passing or failing
                        source, result = rng.choice(passing if right else failing)
                        rows.append((student_id, qid, kind, json.dumps({"code": source}), result["verdict"],
                                     result["score"], json.dumps(result.get("tasks") or []), at,
                                     result.get("version"), result.get("seed")))
                        continue
                    q = questions_by_id[qid]
                    if kind == "predict_output":
                        answer = {"output": q.get("answer", "") if right else "something else\n"}
                    else:
                        correct = [c["id"] for c in q["choices"] if c["correct"]]
                        wrong = [c["id"] for c in q["choices"] if not c["correct"]]
                        if kind == "single_choice":
                            answer = {"choices": correct[:1] if right else [rng.choice(wrong)]}
                        else:
                            answer = {"choices": correct if right else sorted({rng.choice(wrong), correct[0]})}
                    rows.append((student_id, qid, kind, json.dumps(answer), "passed" if right else "failed",
                                 1.0 if right else 0.0, None, at, None, None))
    rows.sort(key=lambda r: r[7])
    db = sqlite3.connect(db_path, timeout=30)
    try:
        db.execute("PRAGMA foreign_keys = ON")
        with db:
            db.executemany(
                "INSERT INTO attempts (student_id, question_id, kind, answer, verdict, score, tasks, created_at, "
                "version, seed, late) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)", rows)
            db.execute("""
                INSERT INTO progress (student_id, question_id, best, attempts, last_verdict)
                SELECT g.student_id, g.question_id, g.best, g.n, l.verdict
                FROM (SELECT student_id, question_id, MAX(score) AS best, COUNT(*) AS n, MAX(id) AS last_id
                      FROM attempts WHERE student_id IN (SELECT id FROM students WHERE class_code = ?)
                      GROUP BY student_id, question_id) g
                JOIN attempts l ON l.id = g.last_id
                WHERE true
                ON CONFLICT (student_id, question_id) DO UPDATE SET best = excluded.best,
                    attempts = excluded.attempts, last_verdict = excluded.last_verdict""", (code,))
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return len(rows)


questions_by_id = {}


def timed(port, path, count, pid=None):
    """(median ms, p95 ms, bytes, the server's CPU ms per request) over `count` requests one at a time."""
    samples, size = [], 0
    cpu = base.cpu_seconds(pid) if pid else 0
    for _ in range(count):
        t = time.perf_counter()
        status, data = base.request(port, "GET", path, token="bench-token")
        samples.append((time.perf_counter() - t) * 1000)
        assert status == 200, data[:300]
        size = len(data)
    samples.sort()
    cpu = (base.cpu_seconds(pid) - cpu) / count * 1000 if pid else float("nan")
    return statistics.median(samples), samples[int(len(samples) * 0.95)], size, cpu


def bench_analysis(rows):
    rng = random.Random(20261201)
    bank = json.load(open(os.path.join(base.ROOT, "questions.json")))["questions"]
    questions_by_id.update({q["id"]: q for q in bank})
    pools = {kind: [q for q in bank if q["kind"] == kind] for kind in {k for k, _ in PLAN}}
    port = base.free_port()
    data = tempfile.mkdtemp(prefix="bench-analysis-")
    server = subprocess.Popen([SERVER, "serve", "--port", str(port), "--data-dir", data, "--log-level", "warning"]
                              + base.GRADER_ARGS, cwd=base.ROOT, stdout=subprocess.DEVNULL,
                              env=dict(os.environ, QUIZ_TEACHER_TOKEN="bench-token"))
    try:
        base.wait_for(port)
        code, _ = base.make_class(port, STUDENTS, "analysis class")
        status, body = base.request(port, "GET", f"/api/v1/classes/{code}/students", token="bench-token")
        student_ids = [s["id"] for s in json.loads(body)["students"]]
        students = [(sid, rng.uniform(0.15, 0.85)) for sid in student_ids]
        used = {kind: 0 for kind in pools}
        question_sets, assignments = [], []
        start = time.time() - (ASSIGNMENTS + 2) * WEEK
        for a in range(ASSIGNMENTS):
            qids = []
            for kind, _ in PLAN:
                qids.append(pools[kind][used[kind]]["id"])
                used[kind] += 1
            opens = start + a * WEEK
            fmt = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))  # noqa: E731
            status, body = base.request(port, "POST", f"/api/v1/classes/{code}/assignments",
                                        {"title": f"Week {a + 1}", "questions": qids, "opens_at": fmt(opens),
                                         "due_at": fmt(opens + WEEK)}, token="bench-token")
            assert status == 201, body
            assignments.append({"id": json.loads(body)["id"], "opens": opens})
            question_sets.append(qids)
        code_ids = [qids[0] for qids in question_sets]
        with ThreadPoolExecutor(2) as pool:
            templates = dict(zip(code_ids, pool.map(lambda q: graded_templates(port, questions_by_id[q]), code_ids)))
        t = time.perf_counter()
        count = seed(os.path.join(data, "quiz.sqlite"), code, students, assignments, question_sets, templates, rng)
        seeded = time.perf_counter() - t
        load = os.getloadavg()[0]
        base.request(port, "GET", f"/api/v1/classes/{code}/analysis", token="bench-token")   # a first read warms
        whole = timed(port, f"/api/v1/classes/{code}/analysis", SAMPLES, server.pid)
        per = []
        cpu = base.cpu_seconds(server.pid)
        for i in range(SAMPLES):
            assignment = assignments[i % len(assignments)]["id"]
            per.append(timed(port, f"/api/v1/classes/{code}/analysis?assignment={assignment}", 1))
        cpu = (base.cpu_seconds(server.pid) - cpu) / SAMPLES * 1000
        per_samples = sorted(m for m, _, _, _ in per)
        one = (statistics.median(per_samples), per_samples[int(len(per_samples) * 0.95)], per[0][2], cpu)
        # The teacher's other views at the same scale (issue 15): the results matrix, an assignment's results, and
        # one student's attempts (200 each, with their answers and tasks) as the matrix's cell dialog reads them.
        matrix = timed(port, f"/api/v1/classes/{code}/results", SAMPLES, server.pid)
        week = timed(port, f"/api/v1/classes/{code}/assignments/{assignments[0]['id']}/results", SAMPLES, server.pid)
        mine, cpu = [], base.cpu_seconds(server.pid)
        for i in range(SAMPLES):
            sid = student_ids[(i * 37) % len(student_ids)]
            mine.append(timed(port, f"/api/v1/classes/{code}/students/{sid}/attempts", 1))
        cpu = (base.cpu_seconds(server.pid) - cpu) / SAMPLES * 1000
        mine_samples = sorted(m for m, _, _, _ in mine)
        student = (statistics.median(mine_samples), mine_samples[int(len(mine_samples) * 0.95)], mine[0][2], cpu)
    finally:
        server.terminate()
        server.wait(timeout=30)
        if os.environ.get("BENCH_ANALYSIS_KEEP") != "1":
            shutil.rmtree(data, ignore_errors=True)
        else:
            print("kept", data)
    rows.append(f"A class of {STUDENTS} students, {ASSIGNMENTS} assignments of 5 questions (1 code, 2 single choice, "
                f"1 multiple choice, 1 predict the output), {count:,} attempts written straight into the SQLite file "
                f"with the analysis triggers running ({seeded:.1f} s, {count / seeded:,.0f} attempts/s); "
                f"{SAMPLES} requests each, one at a time, a new connection each; the server's own CPU time per "
                f"request read from /proc. Machine load average (1 min) when measuring: {load:.1f} on "
                f"{os.cpu_count()} cores.\n")
    rows.append("| endpoint | median ms | p95 ms | server CPU ms per request | bytes | target |")
    rows.append("| --- | --- | --- | --- | --- | --- |")
    rows.append(f"| `GET /api/v1/classes/{{code}}/analysis` (whole class: 100 questions, 60,000 attempts) "
                f"| {whole[0]:.1f} | {whole[1]:.1f} | {whole[3]:.1f} | {whole[2]:,} | p95 ≤ 50 ms |")
    rows.append(f"| `GET /api/v1/classes/{{code}}/analysis?assignment=ID` (5 questions, 3,000 attempts) "
                f"| {one[0]:.1f} | {one[1]:.1f} | {one[3]:.1f} | {one[2]:,} | p95 ≤ 50 ms |")
    rows.append(f"| `GET /api/v1/classes/{{code}}/results` (the matrix: 300 students × 100 questions) "
                f"| {matrix[0]:.1f} | {matrix[1]:.1f} | {matrix[3]:.1f} | {matrix[2]:,} | p95 ≤ 50 ms |")
    rows.append(f"| `GET /api/v1/classes/{{code}}/assignments/{{id}}/results` (300 students × 5 questions) "
                f"| {week[0]:.1f} | {week[1]:.1f} | {week[3]:.1f} | {week[2]:,} | p95 ≤ 50 ms |")
    rows.append(f"| `GET /api/v1/classes/{{code}}/students/{{id}}/attempts` (one student's 200 attempts) "
                f"| {student[0]:.1f} | {student[1]:.1f} | {student[3]:.1f} | {student[2]:,} | p95 ≤ 50 ms |")
    print("\n".join(rows[-7:]))


if __name__ == "__main__":
    out = []
    bench_analysis(out)
