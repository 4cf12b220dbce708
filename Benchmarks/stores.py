"""`make bench`, section "Stores side by side": the same load on one instance on SQLite, one instance on PostgreSQL,
and two instances on PostgreSQL behind nginx, in one run. PostgreSQL is a throwaway cluster from Debian's packages
(Tests/cluster/pg-temp), nginx runs deploy/nginx/quiz.conf.in; all on loopback.

For each: grading throughput (correct code-fetch-all from 32 clients), GET latency with wrk (a student's history,
read from the database, and a question, from memory), and the classroom burst. The CPU time of each part (the
QuizServer processes, PostgreSQL's processes, nginx, and the whole machine) is read from /proc around each
measurement, so the figures can be given per core and the database's share of each request stated.
"""
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as base  # noqa: E402  (the helpers of Benchmarks/run.py)

ROOT = base.ROOT
PG_TEMP = os.path.join(ROOT, "Tests/cluster/pg-temp")
sys.path.insert(0, os.path.join(ROOT, "deploy/nginx"))
import render  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1
GRADINGS = int(os.environ.get("BENCH_STORE_GRADINGS", "200"))
BURST = int(os.environ.get("BENCH_STORE_BURST", "1000"))
GET_DURATION = os.environ.get("BENCH_STORE_GET_DURATION", "5s")


def proc_cpu(pid, children=False):
    """utime + stime of a process (and of its reaped children), seconds; 0 when it is gone."""
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / TICK


def children_of(pid):
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if int(open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[1]) == pid:
                    kids.append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return kids


def tree_cpu(root):
    """CPU of a server and every process under it that is not a sandbox: a postmaster and its backends (whose
    exited ones count in its children's time), or nginx's master and workers."""
    return proc_cpu(root, children=True) + sum(proc_cpu(k) for k in children_of(root))


def machine_cpu():
    """Busy CPU seconds of the whole machine, all cores."""
    values = [int(v) for v in open("/proc/stat").readline().split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / TICK


class Meter:
    """CPU seconds of each part between start() and stop()."""

    def __init__(self, setup):
        self.setup = setup

    def sample(self):
        return {
            "server": sum(base.cpu_seconds(p.pid) for p in self.setup.servers),
            "database": tree_cpu(self.setup.pg_pid) if self.setup.pg_pid else 0.0,
            "balancer": tree_cpu(self.setup.nginx.pid) if self.setup.nginx else 0.0,
            "machine": machine_cpu(),
        }

    def __enter__(self):
        self.before = self.sample()
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        after = self.sample()
        self.seconds = time.perf_counter() - self.started
        self.cpu = {k: after[k] - self.before[k] for k in after}


class Postgres:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="bench-pg-")
        self.port = base.free_port()
        subprocess.run([PG_TEMP, "start", self.dir, str(self.port), str(os.getpid())], check=True)
        self.pid = int(open(os.path.join(self.dir, "data", "postmaster.pid")).readline())

    def database(self, name):
        subprocess.run(["psql", "-X", "-q", "-h", self.dir, "-p", str(self.port), "-U", "postgres", "-d", "postgres",
                        "-c", f"CREATE DATABASE {name} OWNER quiz"], check=True, stdout=subprocess.DEVNULL)
        return f"postgres://quiz:quiz@127.0.0.1:{self.port}/{name}"

    def stop(self):
        subprocess.run([PG_TEMP, "stop", self.dir, "fast"], check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


class Setup:
    """Instances (and nginx) for one column of the table; `port` is where clients go."""

    def __init__(self, name, instances, database=None, pg_pid=None, balanced=False):
        self.name = name
        self.pg_pid = pg_pid
        self.servers = []
        self.dirs = []
        self.nginx = None
        ports = []
        for _ in range(instances):
            port = base.free_port()
            data = tempfile.mkdtemp(prefix="bench-store-")
            args = [base.SERVER, "serve", "--port", str(port), "--data-dir", data, "--log-level", "warning",
                    "--trusted-proxy", "127.0.0.1"] + base.GRADER_ARGS
            if database:
                args += ["--database", database]
            self.servers.append(subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL,
                                                 env=dict(os.environ, QUIZ_TEACHER_TOKEN="bench-token")))
            self.dirs.append(data)
            ports.append(port)
        for port in ports:
            base.wait_for(port, "/readyz", timeout=120)
        self.port = ports[0]
        if balanced:
            self.nginx_dir = tempfile.mkdtemp(prefix="bench-nginx-")
            cert, key = os.path.join(self.nginx_dir, "cert.pem"), os.path.join(self.nginx_dir, "key.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                            "/CN=localhost", "-keyout", key, "-out", cert], check=True, capture_output=True)
            self.port = base.free_port()
            conf = os.path.join(self.nginx_dir, "nginx.conf")
            with open(conf, "w") as f:
                f.write(render.render(self.nginx_dir, f"127.0.0.1:{self.port}", f"127.0.0.1:{base.free_port()}",
                                      cert, key, [f"127.0.0.1:{p}" for p in ports]))
            self.nginx = subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-c", conf, "-p",
                                           self.nginx_dir, "-g", "daemon off;"], stdout=subprocess.DEVNULL)
            base.wait_for(self.port)

    def stop(self):
        if self.nginx:
            self.nginx.terminate()
            self.nginx.wait(timeout=30)
            shutil.rmtree(self.nginx_dir, ignore_errors=True)
        for server in self.servers:
            server.terminate()
        for server in self.servers:
            server.wait(timeout=60)
        for data in self.dirs:
            shutil.rmtree(data, ignore_errors=True)


def grading(setup):
    """GRADINGS correct submissions from 32 clients at a time, students of one class (4 each, under the limit)."""
    _, tokens = base.make_class(setup.port, (GRADINGS + 3) // 4, f"grading {setup.name}")
    jobs = [tokens[i // 4] for i in range(GRADINGS)]

    def one(token):
        status, data = base.request(setup.port, "POST", "/api/v1/questions/code-fetch-all/attempts",
                                    {"code": base.CORRECT_FETCH_ALL}, token=token)
        return status == 200 and json.loads(data)["verdict"] == "passed"

    with Meter(setup) as meter:
        with ThreadPoolExecutor(32) as pool:
            passed = sum(pool.map(one, jobs))
    return {"passed": passed, "rate": passed / meter.seconds, "meter": meter}


def gets(setup):
    """wrk on a student's history (the database) and on one question (memory)."""
    _, tokens = base.make_class(setup.port, 1, f"gets {setup.name}")
    token = tokens[0]
    bank = json.load(open(os.path.join(ROOT, "questions.json")))
    choice = next(q for q in bank["questions"] if q["kind"] == "single_choice")
    for _ in range(20):
        base.request(setup.port, "POST", f"/api/v1/questions/{choice['id']}/attempts",
                     {"choices": [choice["choices"][0]["id"]]}, token=token)
    out = {}
    for name, path, headers in (("history", "/api/v1/me/attempts", ["-H", f"Authorization: Bearer {token}"]),
                                ("question", "/api/v1/questions/code-fetch-all", [])):
        with Meter(setup) as meter:
            text = subprocess.run(["wrk", "-t2", "-c32", "-d" + GET_DURATION, "--latency", *headers,
                                   f"http://127.0.0.1:{setup.port}{path}"], capture_output=True, text=True,
                                  check=True).stdout
        r = parse_wrk(text)
        r["meter"] = meter
        r["requests"] = r["rps"] * meter.seconds
        out[name] = r
    return out


def parse_wrk(out):
    import re
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {}
    for pct in ("50", "99"):
        m = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(m.group(1)), m.group(2)
        lat[pct] = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "lat": lat, "non2xx": int(errors.group(1)) if errors else 0}


def classroom_burst(setup):
    code, tokens = base.make_class(setup.port, BURST, f"burst {setup.name}")
    with Meter(setup) as meter:
        results = base.burst(setup.port, tokens, {"code": base.CORRECT_FETCH_ALL}, timeout=120)
    statuses = {}
    for status, _, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    drained = max((ms for status, ms, _ in results if status), default=float("nan")) / 1000
    status, data = base.request(setup.port, "GET", f"/api/v1/classes/{code}/results", token="bench-token")
    recorded = sum(cell["attempts"] for s in json.loads(data)["students"] for cell in s["results"].values())
    return {"statuses": statuses, "drained": drained, "recorded": recorded, "meter": meter}


def share(meter, count):
    """CPU ms per request of each part, and the database's share of the CPU the request cost (server + database
    + balancer; the sandboxes are the rest of the machine's)."""
    cpu = meter.cpu
    per = {k: v / max(1, count) * 1000 for k, v in cpu.items()}
    serving = cpu["server"] + cpu["database"] + cpu["balancer"]
    return per, (cpu["database"] / serving * 100 if serving else 0.0)


def bench_stores(rows):
    pg = Postgres()
    columns = []
    try:
        for name, kwargs in (
            ("SQLite, 1 instance", {"instances": 1}),
            ("PostgreSQL, 1 instance", {"instances": 1, "database": pg.database("bench_one"), "pg_pid": pg.pid}),
            ("PostgreSQL, 2 instances + nginx",
             {"instances": 2, "database": pg.database("bench_two"), "pg_pid": pg.pid, "balanced": True}),
        ):
            setup = Setup(name, **kwargs)
            try:
                result = {"name": name, "grading": grading(setup), "gets": gets(setup), "burst": classroom_burst(setup)}
            finally:
                setup.stop()
            columns.append(result)
            g, h, q, b = result["grading"], result["gets"]["history"], result["gets"]["question"], result["burst"]
            print(f"{name}: {g['rate']:.1f} graded/s; history {h['rps']:.0f} req/s p99 {h['lat']['99']:.1f} ms; "
                  f"question {q['rps']:.0f} req/s p99 {q['lat']['99']:.1f} ms; burst {b['statuses']} in "
                  f"{b['drained']:.1f} s, {b['recorded']} recorded")
    finally:
        pg.stop()

    def row(label, cell):
        rows.append(f"| {label} | " + " | ".join(cell(c) for c in columns) + " |")

    def ms(meter, count, part):
        return f"{share(meter, count)[0][part]:.2f}"

    rows.append(f"The same load on each, one after another in this run, on {CORES} cores shared by everything "
                "(instances, sandboxes, PostgreSQL, nginx, the load generator): default `serve` flags (graders = "
                "cores per instance). CPU per request is read from /proc: *server* is the QuizServer processes, "
                "*database* PostgreSQL's processes (for SQLite it is inside the server's), *balancer* nginx, "
                "*machine* every core's busy time, sandboxes and load generator included. The database's share "
                "is its part of server + database + balancer.\n")
    rows.append("| | " + " | ".join(c["name"] for c in columns) + " |")
    rows.append("| --- |" + " --- |" * len(columns))
    row(f"grading: {GRADINGS} correct `code-fetch-all`, 32 clients",
        lambda c: f"{c['grading']['rate']:.1f} graded/s ({c['grading']['rate'] / CORES:.1f} per core), "
                  f"{c['grading']['passed']} passed")
    row("grading: CPU ms per submission, server / database / balancer / machine",
        lambda c: " / ".join(ms(c["grading"]["meter"], c["grading"]["passed"], p)
                             for p in ("server", "database", "balancer", "machine")))
    row("grading: the database's share", lambda c: f"{share(c['grading']['meter'], c['grading']['passed'])[1]:.0f} %")
    for key, label in (("history", "`GET /api/v1/me/attempts` (20 attempts, from the database)"),
                       ("question", "`GET /api/v1/questions/code-fetch-all` (from memory)")):
        row(f"{label}, wrk -c32 -d{GET_DURATION}",
            lambda c, key=key: f"{c['gets'][key]['rps']:.0f} req/s ({c['gets'][key]['rps'] / CORES:.0f} per core), "
                               f"p50 {c['gets'][key]['lat']['50']:.2f} ms, p99 {c['gets'][key]['lat']['99']:.2f} ms"
                               + (f", {c['gets'][key]['non2xx']} not 2xx" if c['gets'][key]['non2xx'] else ""))
        row("  CPU µs per request, server / database / balancer; database's share",
            lambda c, key=key: " / ".join(f"{share(c['gets'][key]['meter'], c['gets'][key]['requests'])[0][p] * 1000:.0f}"
                                          for p in ("server", "database", "balancer"))
                               + f"; {share(c['gets'][key]['meter'], c['gets'][key]['requests'])[1]:.0f} %")
    row(f"burst: {BURST:,} students submit at once: answers",
        lambda c: ", ".join(f"{k}: {v}" for k, v in sorted(c["burst"]["statuses"].items())))
    row("burst: all answered within; recorded",
        lambda c: f"{c['burst']['drained']:.1f} s ({BURST / c['burst']['drained']:.0f}/s, "
                  f"{BURST / c['burst']['drained'] / CORES:.0f}/s per core); {c['burst']['recorded']} recorded")
    row("burst: CPU ms per submission, server / database / balancer / machine; database's share",
        lambda c: " / ".join(ms(c["burst"]["meter"], BURST, p) for p in ("server", "database", "balancer", "machine"))
                  + f"; {share(c['burst']['meter'], BURST)[1]:.0f} %")
    print("\n".join(rows))
