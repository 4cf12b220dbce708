#!/usr/bin/env python3
"""`make bench`: measures the server and writes BENCHMARKS.md.

1. HTTP: wrk at 64 connections on GET /api/v1/questions, QuizServer and Hummingbird 2 serving the same bytes,
   side by side in the same run.
2. Grading: end-to-end latency over HTTP of a correct code-fetch-all, throughput of correct submissions, and the
   floor (bwrap + python3 -I -S -c pass).
3. Classroom results: the teacher's results for a class of 300.
4. Classroom burst: 1,000 students of one class (one address, a token each) submit at the same instant; all must
   be graded within 15 s with none refused, while GETs keep their p99 under 20 ms.
   Item analysis (Benchmarks/analysis.py): a class of 300, 20 assignments, 60,000 attempts; p95 ≤ 50 ms.
5. Stores side by side (Benchmarks/stores.py): grading throughput, GET latency and the burst on one instance on
   SQLite, one on PostgreSQL, and two on PostgreSQL behind nginx, with CPU per request per part.
6. Regrade (Benchmarks/regrade.py): a class's 300 code attempts graded again after the question changed (< 10 s).

Everything runs on loopback; every loop is bounded in count and time.
"""
import http.client
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVER = os.path.join(ROOT, ".build/release/QuizServer")
HB_PACKAGE = os.path.join(ROOT, "Benchmarks/HummingbirdBaseline")
HB_SCRATCH = os.path.join(ROOT, ".build-hummingbird")
DURATION = os.environ.get("BENCH_DURATION", "10s")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
GRADER_ARGS = ["--grader-launch", os.environ["BENCH_GRADER_LAUNCH"]] if "BENCH_GRADER_LAUNCH" in os.environ else []
# Extra `serve` flags for the main server, to compare settings (e.g. BENCH_SERVER_ARGS="--graders 3").
GRADER_ARGS += os.environ.get("BENCH_SERVER_ARGS", "").split()

CORRECT_FETCH_ALL = """import asyncio

async def fetch_all(fetch, items):
    return await asyncio.gather(*(fetch(item) for item in items))
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, path="/healthz", timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", path)
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"nothing answered on port {port}")


def wrk(port, path):
    out = subprocess.run(
        ["wrk", "-t2", "-c64", "-d" + DURATION, "--latency", f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {}
    for pct in ("50", "75", "90", "99"):
        m = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(m.group(1)), m.group(2)
        lat[pct] = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "lat": lat, "non2xx": int(errors.group(1)) if errors else 0}


def post(port, path, body):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
    r = c.getresponse()
    data = r.read()
    return r.status, data


def bench_http(port, rows):
    """wrk on GET /api/v1/questions: this server, side by side with Hummingbird 2 serving the same bytes and, when
    BENCH_BASELINE names another QuizServer binary (say, main's release build before a change), with that one.
    BENCH_HUMMINGBIRD=0 leaves Hummingbird out (its first build takes minutes)."""
    with_hummingbird = os.environ.get("BENCH_HUMMINGBIRD", "1") != "0"
    baseline = os.environ.get("BENCH_BASELINE")
    if with_hummingbird:
        subprocess.run(["swift", "build", "-c", "release", "--package-path", HB_PACKAGE, "--scratch-path", HB_SCRATCH],
                       check=True, stdout=subprocess.DEVNULL)
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("GET", "/api/v1/questions")
    body = c.getresponse().read()
    with tempfile.NamedTemporaryFile(delete=False, suffix=".json") as f:
        f.write(body)
        path = f.name
    servers = [("QuizServer (libmicrohttpd)", port)]
    processes = []
    try:
        if baseline:
            base_port = free_port()
            base_data = tempfile.mkdtemp(prefix="bench-baseline-")
            processes.append(subprocess.Popen(
                [baseline, "serve", "--port", str(base_port), "--data-dir", base_data, "--log-level", "warning"]
                + GRADER_ARGS, cwd=ROOT, stdout=subprocess.DEVNULL,
                env=dict(os.environ, QUIZ_TEACHER_TOKEN="bench-token")))
            wait_for(base_port)
            servers.append(("QuizServer, before (BENCH_BASELINE)", base_port))
        if with_hummingbird:
            hb_port = free_port()
            processes.append(subprocess.Popen(
                [os.path.join(HB_SCRATCH, "release/HummingbirdBaseline"), str(hb_port), path],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            wait_for(hb_port)
            servers.append(("Hummingbird 2.28", hb_port))
        results = []
        for round_ in range(1, ROUNDS + 1):
            for name, p in servers:
                r = wrk(p, "/api/v1/questions")
                results.append((name, round_, r))
                print(f"{name} round {round_}: {r['rps']:.0f} req/s, p50 {r['lat']['50']:.2f} ms, p99 {r['lat']['99']:.2f} ms")
    finally:
        for process in processes:
            process.terminate()
            process.wait()
        os.unlink(path)
    rows.append(f"Body: `GET /api/v1/questions`, {len(body):,} bytes of JSON. wrk -t2 -c64 -d{DURATION}, {ROUNDS} rounds alternating.\n")
    rows.append("| server | round | requests/s | p50 ms | p75 ms | p90 ms | p99 ms | non-2xx |")
    rows.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, round_, r in results:
        l = r["lat"]
        rows.append(f"| {name} | {round_} | {r['rps']:,.0f} | {l['50']:.2f} | {l['75']:.2f} | {l['90']:.2f} | {l['99']:.2f} | {r['non2xx']} |")
    if baseline:
        def mean(name):
            return statistics.mean(r["rps"] for n, _, r in results if n == name)
        now, before = mean(servers[0][0]), mean("QuizServer, before (BENCH_BASELINE)")
        rows.append("")
        rows.append(f"This build against the baseline: {now:,.0f} against {before:,.0f} requests/s on average, "
                    f"{(now / before - 1) * 100:+.1f} %.")


def bench_grading(port, rows):
    path = "/api/v1/questions/code-fetch-all/attempts"
    status, data = post(port, path, {"code": CORRECT_FETCH_ALL})
    if status == 404:
        rows.append("The grader has no `code-fetch-all` yet: no grading figures.")
        return
    # Latency: one at a time.
    latencies = []
    for _ in range(60):
        t = time.perf_counter()
        status, data = post(port, path, {"code": CORRECT_FETCH_ALL})
        latencies.append((time.perf_counter() - t) * 1000)
        assert status == 200 and json.loads(data)["verdict"] == "passed", data[:300]
        time.sleep(0.05)  # lets the warm pool refill, as a student's pace would
    latencies.sort()
    # Throughput: 8 connections for a fixed count, from 20 students (10 submissions each, under the 20 a minute a
    # student may send). The queue serves each client one grader at a time, so they are students (clients of their
    # own), not one anonymous address.
    count = 200
    passed = 0
    _, tokens = make_class(port, 20, "throughput class")
    def one(i):
        return request(port, "POST", path, {"code": CORRECT_FETCH_ALL}, token=tokens[i % len(tokens)])
    t = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        for status, data in pool.map(one, range(count)):
            if status == 200 and json.loads(data)["verdict"] == "passed":
                passed += 1
    elapsed = time.perf_counter() - t
    # The floor: a bare sandbox.
    floor = []
    for _ in range(30):
        t = time.perf_counter()
        subprocess.run(["bwrap", "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
                        "--symlink", "usr/bin", "/bin", "--proc", "/proc", "--dev", "/dev", "--unshare-all",
                        "/usr/bin/python3", "-I", "-S", "-c", "pass"], check=True)
        floor.append((time.perf_counter() - t) * 1000)
    floor.sort()
    rows.append("| figure | measured | target |")
    rows.append("| --- | --- | --- |")
    rows.append(f"| latency over HTTP, correct `code-fetch-all`, one at a time (60) | median {statistics.median(latencies):.1f} ms, p90 {latencies[int(len(latencies) * 0.9)]:.1f} ms | median ≤ 15 ms |")
    rows.append(f"| throughput, {count} correct submissions from 20 students over 8 connections, each in a freshly forked, isolated worker | {passed / elapsed:.1f} graded/s ({passed}/{count} passed) | ≥ 40/s |")
    rows.append(f"| floor: `bwrap` + `python3 -I -S -c pass` (30) | median {statistics.median(floor):.1f} ms | |")
    print("\n".join(rows[-3:]))


def request(port, method, path, body=None, token=None, timeout=120):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {}
    if body is not None:
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = "Bearer " + token
    c.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


def make_class(port, students, name):
    status, data = request(port, "POST", "/api/v1/classes", {"name": name}, token="bench-token")
    code = json.loads(data)["code"]
    def join(i):
        status, data = request(port, "POST", "/api/v1/students", {"name": f"student {i:03d}", "class": code})
        return json.loads(data)["token"]
    with ThreadPoolExecutor(8) as pool:
        tokens = list(pool.map(join, range(students)))
    return code, tokens


def bench_classroom(port, rows):
    """A class of 300 with 20 attempts each; how fast the teacher's results come back."""
    bank = json.load(open(os.path.join(ROOT, "questions.json")))
    choice = [q for q in bank["questions"] if q["kind"] == "single_choice"][:20]
    code, tokens = make_class(port, 300, "bench class")
    def answer(args):
        i, token = args
        for j, q in enumerate(choice):
            pick = q["choices"][(i + j) % len(q["choices"])]["id"]
            request(port, "POST", f"/api/v1/questions/{q['id']}/attempts", {"choices": [pick]}, token=token)
    t = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(answer, enumerate(tokens)))
    fill = time.perf_counter() - t
    timings = {}
    for path in (f"/api/v1/classes/{code}/results", f"/api/v1/classes/{code}/results.csv"):
        samples = []
        for _ in range(30):
            t = time.perf_counter()
            status, data = request(port, "GET", path, token="bench-token")
            samples.append((time.perf_counter() - t) * 1000)
            assert status == 200
        samples.sort()
        timings[path] = (statistics.median(samples), samples[int(len(samples) * 0.95)], len(data))
    rows.append(f"A class of 300 students, 20 attempts each (6,000 recorded attempts, written in {fill:.1f} s over 8 clients: "
                f"{6000 / fill:.0f} recorded attempts/s).\n")
    rows.append("| endpoint | median ms | p95 ms | bytes | target |")
    rows.append("| --- | --- | --- | --- | --- |")
    for path, (median, p95, size) in timings.items():
        name = path.replace(code, "{code}")
        rows.append(f"| `GET {name}` | {median:.1f} | {p95:.1f} | {size:,} | < 50 ms |")
    print("\n".join(rows[-3:]))


def cpu_seconds(pid):
    """The process's own user + system CPU time, in seconds."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0


def get_reader(port, ids, stop, out):
    """In a process of its own (no GIL shared with the burst): GETs one question after another on one keep-alive
    connection, 5 ms apart, until `stop` is set; puts its latencies (ms) on `out`."""
    latencies = []
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    i = 0
    while not stop.is_set():
        t = time.perf_counter()
        c.request("GET", "/api/v1/questions/" + ids[i % len(ids)])
        r = c.getresponse()
        r.read()
        latencies.append((time.perf_counter() - t) * 1000)
        i += 1
        time.sleep(0.005)
    out.put(latencies)


def burst(port, tokens, body, timeout=60):
    """Opens one connection per token, then sends every request at once from one thread (non-blocking sockets,
    no thread per request), and reads every answer. Returns [(status, ms from the send, body)], in token order."""
    import selectors
    payload = json.dumps(body).encode()
    socks = []
    for token in tokens:
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        socks.append(s)
    requests = [(f"POST /api/v1/questions/code-fetch-all/attempts HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n").encode() + payload
                for token in tokens]
    selector = selectors.DefaultSelector()
    buffers = [b""] * len(socks)
    results = [None] * len(socks)
    t0 = time.perf_counter()
    for i, (s, req) in enumerate(zip(socks, requests)):
        s.sendall(req)
        s.setblocking(False)
        selector.register(s, selectors.EVENT_READ, i)
    open_count = len(socks)
    end = time.monotonic() + timeout
    while open_count and time.monotonic() < end:
        for key, _ in selector.select(timeout=1):
            i = key.data
            chunk = key.fileobj.recv(65536)
            if chunk:
                buffers[i] += chunk
                continue
            selector.unregister(key.fileobj)
            key.fileobj.close()
            open_count -= 1
            head, _, rest = buffers[i].partition(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1]) if head else 0
            results[i] = (status, (time.perf_counter() - t0) * 1000, rest)
    for i, s in enumerate(socks):
        if results[i] is None:
            results[i] = (0, float("nan"), b"")
            s.close()
    return results


def bench_burst(port, pid, rows, students=1000):
    """A class of 1,000 students, one address, each their own token, submits a correct answer at the same instant,
    while readers in other processes keep reading questions."""
    import multiprocessing
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < students + 256:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, students + 256), hard))
    code, tokens = make_class(port, students, "burst class")
    bank = json.load(open(os.path.join(ROOT, "questions.json")))
    ids = [q["id"] for q in bank["questions"]]
    stop = threading.Event()
    peak = [rss_mb(pid)]
    def sampler():
        while not stop.is_set():
            peak[0] = max(peak[0], rss_mb(pid))
            time.sleep(0.05)
    context = multiprocessing.get_context("fork")
    reader_stop = context.Event()
    out = context.Queue()
    readers = [context.Process(target=get_reader, args=(port, ids, reader_stop, out)) for _ in range(2)]
    for r in readers:
        r.start()
    watcher = threading.Thread(target=sampler)
    watcher.start()
    time.sleep(0.5)
    cpu_before = cpu_seconds(pid)
    load_before = os.getloadavg()[0]
    results = burst(port, tokens, {"code": CORRECT_FETCH_ALL})
    server_cpu = cpu_seconds(pid) - cpu_before
    load_after = os.getloadavg()[0]
    drained = max((ms for status, ms, _ in results if status), default=float("nan")) / 1000
    reader_stop.set()
    get_latencies = []
    for _ in readers:
        get_latencies += out.get(timeout=30)
    for r in readers:
        r.join(timeout=30)
    stop.set()
    watcher.join()
    statuses = {}
    for status, _, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    ok = sorted(ms for status, ms, _ in results if status == 200)
    passed = sum(1 for status, _, data in results if status == 200 and json.loads(data)["verdict"] == "passed")
    # What the others were: the verdict and its tasks' statuses that were not `passed`.
    others = {}
    for status, _, data in results:
        if status != 200 or json.loads(data)["verdict"] == "passed":
            continue
        result = json.loads(data)
        statuses = sorted({t["status"] for t in result.get("tasks") or [] if t["status"] != "passed"})
        key = result["verdict"] + (" (" + ", ".join(statuses) + ")" if statuses else "")
        others[key] = others.get(key, 0) + 1
    status, data = request(port, "GET", f"/api/v1/classes/{code}/results", token="bench-token")
    recorded = sum(cell["attempts"] for s in json.loads(data)["students"] for cell in s["results"].values())
    get_latencies.sort()
    p99 = get_latencies[int(len(get_latencies) * 0.99)] if get_latencies else float("nan")
    rows.append(f"{students:,} students of one class, one address, each with their own token, submit a correct "
                "`code-fetch-all` at the same instant (one connection each, all sent from one thread); "
                "2 reader processes keep reading questions meanwhile. Server defaults: 2 graders, "
                "`--grading-queue 2000`, `--connection-limit 4096`, `--handler-timeout 30`.\n")
    rows.append("| figure | measured | target |")
    rows.append("| --- | --- | --- |")
    rows.append(f"| answers | {', '.join(f'{k}: {v}' for k, v in sorted(statuses.items()))} | all 200, none refused |")
    not_passed = "; not passed: " + ", ".join(f"{k}: {v}" for k, v in sorted(others.items())) if others else ""
    rows.append(f"| passed, and recorded in the class results | {passed} passed, {recorded} recorded{not_passed} "
                f"| {students} |")
    rows.append(f"| all graded within | {drained:.1f} s ({passed / drained if drained else 0:.0f} graded/s); "
                f"an answer took median {statistics.median(ok) if ok else float('nan'):.0f} ms, "
                f"max {ok[-1] if ok else float('nan'):.0f} ms | ≤ 15 s |")
    rows.append(f"| GET latency meanwhile ({len(get_latencies)} requests) | median "
                f"{statistics.median(get_latencies) if get_latencies else float('nan'):.2f} ms, p99 {p99:.2f} ms | "
                "p99 ≤ 20 ms |")
    rows.append(f"| server memory (VmRSS), peak | {peak[0]:.0f} MB | < 150 MB |")
    rows.append(f"| server's own CPU time (HTTP, queue, SQLite; sandboxes not counted) | {server_cpu:.1f} s, "
                f"{server_cpu / max(1, passed) * 1000:.1f} ms per submission | |")
    rows.append(f"| machine load average (1 min) before / after | {load_before:.1f} / {load_after:.1f} | |")
    print("\n".join(rows[-8:]))


def bench_analysis(rows):
    """A class of 300 with 20 assignments and 60,000 attempts: Benchmarks/analysis.py."""
    import analysis
    analysis.bench_analysis(rows)


def bench_stores(rows):
    """One instance on SQLite, one on PostgreSQL, two on PostgreSQL behind nginx: Benchmarks/stores.py."""
    import stores
    stores.bench_stores(rows)


def bench_regrade(rows):
    """A class's 300 code attempts regraded after the question changed: Benchmarks/regrade.py."""
    import regrade
    regrade.bench_regrade(rows)


def previous_sections(path):
    """The sections of an earlier BENCHMARKS.md by title (their lines), and `_date`: the run that wrote them."""
    sections = {"_date": "an earlier run"}
    if not os.path.exists(path):
        return sections
    title = None
    for line in open(path).read().splitlines():
        m = re.match(r"Written by `make bench` on (\S+):", line)
        if m:
            sections["_date"] = "the run of " + m.group(1)
        kept = re.match(r"\*Not measured in this run: kept from (.*)\.\*$", line)
        if line.startswith("## "):
            title = line[3:].strip()
            sections[title] = []
        elif title and kept:
            sections["_date:" + title] = kept.group(1)
        elif title:
            sections[title].append(line)
    for title, lines in sections.items():
        if not title.startswith("_date"):
            while lines and not lines[0].strip():
                lines.pop(0)
            while lines and not lines[-1].strip():
                lines.pop()
    return sections


# Sections other make targets write into BENCHMARKS.md (between their own markers), which this run keeps as they
# are, after the section named: `make grader-load` writes "Grading under load".
OTHER_TARGETS = {"Grading under load: right verdicts": "Grading"}


def keep_other_targets(out):
    """`out` with the other targets' sections of the last BENCHMARKS.md put back after the section each follows."""
    kept = previous_sections(os.path.join(ROOT, "BENCHMARKS.md"))
    for title, after in OTHER_TARGETS.items():
        if title not in kept or f"## {title}" in out:
            continue
        block = [f"## {title}", ""] + kept[title] + [""]
        try:
            start = out.index(f"## {after}")
            end = next((i for i in range(start + 1, len(out)) if out[i].startswith("## ")), len(out))
        except ValueError:
            end = len(out)
        out = out[:end] + block + out[end:]
    return out


def main():
    port = free_port()
    data = tempfile.mkdtemp(prefix="bench-data-")
    server = subprocess.Popen([SERVER, "serve", "--port", str(port), "--data-dir", data, "--log-level", "warning"] + GRADER_ARGS,
                              cwd=ROOT, stdout=subprocess.DEVNULL, env=dict(os.environ, QUIZ_TEACHER_TOKEN="bench-token"))
    sections = {}
    only = set()
    try:
        wait_for(port)
        only = set(filter(None, os.environ.get("BENCH_ONLY", "").split(",")))
        for key, title, run in (
            ("http", "HTTP", lambda rows: bench_http(port, rows)),
            ("grading", "Grading", lambda rows: bench_grading(port, rows)),
            ("classroom", "Classroom results", lambda rows: bench_classroom(port, rows)),
            ("burst", "Classroom burst: 1,000 at once", lambda rows: bench_burst(port, server.pid, rows)),
            ("analysis", "Item analysis", bench_analysis),
            ("stores", "Stores side by side: SQLite, PostgreSQL, two instances behind nginx", bench_stores),
            ("regrade", "Regrade", bench_regrade),
        ):
            if only and key not in only:
                continue
            rows = []
            run(rows)
            sections[title] = rows
    finally:
        server.terminate()
        server.wait(timeout=30)
    cpu = ""
    try:
        cpu = re.search(r"model name\s*:\s*(.*)", open("/proc/cpuinfo").read()).group(1)
    except Exception:
        pass
    out = ["# Benchmarks", "",
           f"Written by `make bench` on {time.strftime('%Y-%m-%d')}: {os.cpu_count()} cores ({cpu}), {platform.platform()}.",
           "Load generator and servers share the machine, so absolute figures are low; the side-by-side ratio is the point.", ""]
    for title, rows in sections.items():
        out += [f"## {title}", ""] + rows + [""]
    if only and os.environ.get("BENCH_WRITE") == "1":
        # Some sections measured now: the others are kept from the last BENCHMARKS.md, and say so.
        kept = previous_sections(os.path.join(ROOT, "BENCHMARKS.md"))
        order = ["HTTP", "Grading", "Classroom results", "Classroom burst: 1,000 at once", "Item analysis",
                 "Stores side by side: SQLite, PostgreSQL, two instances behind nginx", "Regrade"]
        merged = []
        for title in order:
            if title in sections:
                merged += [f"## {title}", ""] + sections[title] + [""]
            elif title in kept:
                date = kept.get("_date:" + title, kept["_date"])
                merged += [f"## {title}", "", f"*Not measured in this run: kept from {date}.*", ""]
                merged += kept[title] + [""]
        out = out[:5] + merged
        only = set()
    out = keep_other_targets(out)
    extra = os.path.join(ROOT, "Benchmarks/NOTES.md")
    if os.path.exists(extra):
        out += [open(extra).read()]
    if only:
        print("BENCH_ONLY set: BENCHMARKS.md left as it is (BENCH_WRITE=1 writes the sections measured)")
        return 0
    with open(os.path.join(ROOT, "BENCHMARKS.md"), "w") as f:
        f.write("\n".join(out))
    print("wrote BENCHMARKS.md")


if __name__ == "__main__":
    sys.exit(main())
