#!/usr/bin/env python3
"""`make bench`: measures the server and writes BENCHMARKS.md.

1. HTTP: wrk at 64 connections on GET /api/v1/questions, QuizServer and Hummingbird 2 serving the same bytes,
   side by side in the same run.
2. Grading: end-to-end latency over HTTP of a correct code-fetch-all, throughput of correct submissions, and the
   floor (bwrap + python3 -I -S -c pass).

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
    subprocess.run(["swift", "build", "-c", "release", "--package-path", HB_PACKAGE, "--scratch-path", HB_SCRATCH],
                   check=True, stdout=subprocess.DEVNULL)
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("GET", "/api/v1/questions")
    body = c.getresponse().read()
    with tempfile.NamedTemporaryFile(delete=False, suffix=".json") as f:
        f.write(body)
        path = f.name
    hb_port = free_port()
    hb = subprocess.Popen([os.path.join(HB_SCRATCH, "release/HummingbirdBaseline"), str(hb_port), path],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(hb_port)
        results = []
        for round_ in (1, 2):
            for name, p in (("QuizServer (libmicrohttpd)", port), ("Hummingbird 2.28", hb_port)):
                r = wrk(p, "/api/v1/questions")
                results.append((name, round_, r))
                print(f"{name} round {round_}: {r['rps']:.0f} req/s, p50 {r['lat']['50']:.2f} ms, p99 {r['lat']['99']:.2f} ms")
    finally:
        hb.terminate()
        hb.wait()
        os.unlink(path)
    rows.append(f"Body: `GET /api/v1/questions`, {len(body):,} bytes of JSON. wrk -t2 -c64 -d{DURATION}, two rounds alternating.\n")
    rows.append("| server | round | requests/s | p50 ms | p75 ms | p90 ms | p99 ms | non-2xx |")
    rows.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, round_, r in results:
        l = r["lat"]
        rows.append(f"| {name} | {round_} | {r['rps']:,.0f} | {l['50']:.2f} | {l['75']:.2f} | {l['90']:.2f} | {l['99']:.2f} | {r['non2xx']} |")


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
    # Throughput: 8 clients for a fixed count.
    count = 200
    passed = 0
    t = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        for status, data in pool.map(lambda _: post(port, path, {"code": CORRECT_FETCH_ALL}), range(count)):
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
    rows.append(f"| latency over HTTP, correct `code-fetch-all`, one at a time (60) | median {statistics.median(latencies):.1f} ms, p90 {latencies[int(len(latencies) * 0.9)]:.1f} ms | median ≤ 25 ms |")
    rows.append(f"| throughput, {count} correct submissions from 8 clients, a fresh sandbox each | {passed / elapsed:.1f} graded/s ({passed}/{count} passed) | ≥ 40/s |")
    rows.append(f"| floor: `bwrap` + `python3 -I -S -c pass` (30) | median {statistics.median(floor):.1f} ms | |")
    print("\n".join(rows[-3:]))


def main():
    port = free_port()
    data = tempfile.mkdtemp(prefix="bench-data-")
    server = subprocess.Popen([SERVER, "serve", "--port", str(port), "--data-dir", data, "--log-level", "warning"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, env=dict(os.environ, QUIZ_TEACHER_TOKEN="bench-token"))
    sections = {}
    try:
        wait_for(port)
        rows = []
        bench_http(port, rows)
        sections["HTTP"] = rows
        rows = []
        bench_grading(port, rows)
        sections["Grading"] = rows
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
    extra = os.path.join(ROOT, "Benchmarks/NOTES.md")
    if os.path.exists(extra):
        out += [open(extra).read()]
    with open(os.path.join(ROOT, "BENCHMARKS.md"), "w") as f:
        f.write("\n".join(out))
    print("wrote BENCHMARKS.md")


if __name__ == "__main__":
    sys.exit(main())
