"""`make bench`, section "Regrade": a class of 300 students, each with a recorded attempt on a code question of a bank
in a temp folder (the bootcamp's `wait_random`, with its random delays); the question's tasks change (the bank file
is rewritten and the server gets SIGHUP), and the teacher regrades the class's 300 attempts. Measured: the time from
`POST .../regrades` until `GET .../regrades/{id}` says `finished` (target: under 10 s), and the latency of a student's
own submissions made meanwhile (the regrade asks for graders as background work: a student goes first).
"""
import copy
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as base  # noqa: E402  (the helpers of Benchmarks/run.py)

QID = "bootcamp-wait-random"
STUDENTS = int(os.environ.get("BENCH_REGRADE_STUDENTS", "300"))
RETURNS_MAX = ("import asyncio\nimport random\n\n\nasync def wait_random(max_delay: int = 10) -> float:\n"
               "    await asyncio.sleep(random.uniform(0, max_delay))\n    return max_delay\n")


def question():
    with open(os.path.join(base.ROOT, "examples/async-bootcamp/bank.built.json"), encoding="utf-8") as f:
        [q] = [q for q in json.load(f)["questions"] if q["id"] == QID]
    q.pop("version", None)
    return q


def lenient(q):
    """The check "returns the delay it waited" dropped from every task: returning max_delay now passes."""
    q = copy.deepcopy(q)
    for task in q["tasks"]:
        task["checks"] = [c for c in task["checks"] if not (c.get("check") == "returns" and c.get("relation") == "close")]
    q["title"] = "wait_random (lenient)"
    return q


def bench_regrade(rows, server_binary=None):
    folder = tempfile.mkdtemp(prefix="bench-regrade-")
    bank = os.path.join(folder, "bank.json")
    original = question()
    with open(bank, "w", encoding="utf-8") as f:
        json.dump({"questions": [original]}, f)
    port = base.free_port()
    server = subprocess.Popen(
        [server_binary or base.SERVER, "serve", "--port", str(port), "--data-dir", os.path.join(folder, "data"),
         "--log-level", "warning", "--questions", "questions.json", "--questions", bank,
         "--code-attempts-per-minute", "100000"] + base.GRADER_ARGS,
        cwd=base.ROOT, stdout=subprocess.DEVNULL, env=dict(os.environ, QUIZ_TEACHER_TOKEN="bench-token"))
    try:
        base.wait_for(port)
        code, tokens = base.make_class(port, STUDENTS, "regrade bench")

        def answer(token):
            status, data = base.request(port, "POST", f"/api/v1/questions/{QID}/attempts", {"code": RETURNS_MAX},
                                        token=token)
            assert status == 200, data
            return json.loads(data)["score"]

        t = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            scores = list(pool.map(answer, tokens))
        fill = time.perf_counter() - t
        assert set(scores) == {0.25}, set(scores)

        with open(bank, "w", encoding="utf-8") as f:
            json.dump({"questions": [lenient(original)]}, f)
        server.send_signal(signal.SIGHUP)
        end = time.monotonic() + 60
        while json.loads(base.request(port, "GET", f"/api/v1/questions/{QID}")[1])["title"] != "wait_random (lenient)":
            assert time.monotonic() < end, "the bank was not reloaded"
            time.sleep(0.05)

        load_before = os.getloadavg()[0]
        t = time.perf_counter()
        status, data = base.request(port, "POST", f"/api/v1/classes/{code}/regrades", {"question": QID},
                                    token="bench-token")
        assert status == 202, data
        regrade = json.loads(data)["id"]
        # A student submits meanwhile, one every quarter second or so: how long each waits while the regrade runs.
        latencies = []
        report = {}
        while time.perf_counter() - t < 120:
            status, data = base.request(port, "GET", f"/api/v1/classes/{code}/regrades/{regrade}", token="bench-token")
            report = json.loads(data)
            if report["status"] == "finished":
                break
            s = time.perf_counter()
            answer(tokens[len(latencies) % len(tokens)])
            latencies.append((time.perf_counter() - s) * 1000)
            time.sleep(0.25)
        elapsed = time.perf_counter() - t
        load_after = os.getloadavg()[0]
        assert report.get("status") == "finished", report
        changed = len(report["changes"])
    finally:
        server.terminate()
        server.wait(timeout=30)
    rows.append(f"A class of {STUDENTS}, one recorded `{QID}` attempt each (recorded in {fill:.1f} s); the question's "
                "tasks change (bank rewritten, SIGHUP) and the teacher regrades the class. Server defaults "
                "(graders = cores); the regrade's gradings are background work of the fair queue.\n")
    rows.append("| figure | measured | target |")
    rows.append("| --- | --- | --- |")
    rows.append(f"| regrade of {report['total']} attempts, `POST` to `finished` | {elapsed:.2f} s "
                f"({report['total'] / elapsed:.0f} attempts/s); {report['regraded']} regraded, {changed} scores "
                f"changed, {report['failed']} failed | < 10 s |")
    if latencies:
        rows.append(f"| a student's own submissions meanwhile ({len(latencies)}, one at a time, 0.25 s apart) | median "
                    f"{statistics.median(latencies):.1f} ms, max {max(latencies):.1f} ms | |")
    rows.append(f"| machine load average (1 min) before / after | {load_before:.1f} / {load_after:.1f} | |")
    print("\n".join(rows[-5:]))


if __name__ == "__main__":
    out = []
    bench_regrade(out, server_binary=os.environ.get("QUIZ_SERVER_BIN"))
