"""Right verdicts under load (issue #11): grade every built-in code question's model solution, and its declared
wrong solutions, through the real sandbox (`launch --serve` zygotes) while the machine is kept busy, and count the
verdicts that differ from what the question declares.

The load is what a busy classroom server looks like on 2 cores: N processes that spin on the CPU, pinned in turn
to each core (`os.sched_setaffinity`), plus several gradings at the same time through their own zygotes (the
Swift server keeps one zygote per grader and never leaves them idle during a burst).

    python3 Tests/grader/load_measure.py [--levels 2,4,8] [--reps 20] [--wrong-reps 3] [--starve-reps 10]
                                         [--json OUT] [--md OUT] [--benchmarks BENCHMARKS.md]

Prints one line per run: gradings, false failures per status, median grading time; with --benchmarks, writes the
table into BENCHMARKS.md between its grader-load markers. Exit status 1 if any verdict was not the declared one. Used in small by Tests/grader/load_checks.py and in full, both by `make grader-load`.
"""
import argparse
import collections
import json
import os
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GRADER = os.path.abspath(os.path.join(HERE, '..', '..', 'grader'))
sys.path.insert(0, GRADER)
import client  # noqa: E402

# A stand-in for a vCPU the hypervisor takes away, or a neighbour with a much larger share: a real-time process on
# one core that spins BURST_ON seconds, then sleeps BURST_OFF seconds; whatever else runs on that core is runnable
# but not running meanwhile (the kernel's RT throttling still leaves it 5 % of each second).
STARVE = ('import os, sys, time\n'
          'os.sched_setaffinity(0, {int(sys.argv[1])})\n'
          'os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(1))\n'
          'on, off = float(sys.argv[2]), float(sys.argv[3])\n'
          'sys.stdout.write("spinning\\n"); sys.stdout.flush()\n'
          'while True:\n'
          '    end = time.monotonic() + on\n'
          '    while time.monotonic() < end:\n'
          '        pass\n'
          '    time.sleep(off)\n')
BURST_ON, BURST_OFF = 0.15, 0.03

SPIN = ('import os, sys\n'
        'os.sched_setaffinity(0, {int(sys.argv[1])})\n'
        'sys.stdout.write("spinning\\n"); sys.stdout.flush()\n'
        'while True:\n'
        '    pass\n')


def questions():
    with open(os.path.join(GRADER, 'code_questions.json')) as f:
        return json.load(f)['questions']


class Burners:
    """n processes that spin on the CPU, pinned alternately to each core the machine has, each in a session of its
    own: with autogroup scheduling (Linux's default) the processes of one session share one CPU share, so n spinners
    of one session would weigh as one; other sandboxes (bwrap --new-session), builds and servers each weigh as one.
    A context manager: every process is killed (by its own pid) on exit, whatever happened."""

    def __init__(self, n, starve_core=None):
        self.n = n
        self.starve_core = starve_core
        self.procs = []

    def __enter__(self):
        cores = sorted(os.sched_getaffinity(0))
        try:
            for i in range(self.n):
                p = subprocess.Popen([sys.executable, '-I', '-S', '-c', SPIN, str(cores[i % len(cores)])],
                                     stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, start_new_session=True)
                self.procs.append(p)
            if self.starve_core is not None:
                self.procs.append(subprocess.Popen(
                    [sys.executable, '-I', '-S', '-c', STARVE, str(self.starve_core), str(BURST_ON), str(BURST_OFF)],
                    stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, start_new_session=True))
            for p in self.procs:              # each has pinned itself and is spinning
                if p.stdout.readline() != b'spinning\n':
                    raise RuntimeError('a load process did not start')
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
        for p in self.procs:
            p.wait()
            p.stdout.close()
        self.procs = []
        return False


def jobs(qs, reps, wrong_reps):
    """(kind, question id, code, expected status or None for passed) for every grading of one load level, the
    correct and wrong ones interleaved so that both meet the same load."""
    out = []
    for r in range(max(reps, wrong_reps)):
        for q in qs:
            if r < reps:
                out.append(('good', q['id'], q['solution'], None))
            if r < wrong_reps:
                for w in q.get('wrong_solutions', []):
                    out.append(('wrong', q['id'], w['code'], w['status']))
    return out


def outcome(ans, expect):
    """(ok, what) for one answer: `what` is `passed`, the first failing task's status, or the verdict."""
    if ans.get('verdict') == 'passed':
        what = 'passed'
    elif ans.get('verdict') == 'failed':
        what = next((t['status'] for t in ans.get('tasks', []) if t.get('status') != 'passed'), 'failed')
    else:
        what = ans.get('verdict', '?')
    if expect is None:
        return what == 'passed', what
    statuses = {t.get('status') for t in ans.get('tasks', [])}
    if expect == 'not_gradable':
        return ans.get('verdict') == 'not_gradable', what
    return ans.get('verdict') == 'failed' and expect in statuses, what


def grade_all(work, parallel, nice=0, core=None):
    """Grades `work` through `parallel` zygotes, `parallel` requests at a time. -> list of (job, answer, seconds).
    nice > 0: the zygotes (and so every sandbox process) run at that niceness, so the spinning processes starve
    them as a busier neighbour with a larger CPU share would."""
    mask = os.sched_getaffinity(0)
    if nice:
        os.nice(nice)                     # inherited by the zygotes started now
    if core is not None:
        os.sched_setaffinity(0, {core})   # likewise: every process of these sandboxes stays on that core
    try:
        pool = client.ZygotePool(parallel)
    finally:
        if nice:
            os.nice(-nice)                # this process (root) goes back to its own niceness
        os.sched_setaffinity(0, mask)
    results = []
    lock = threading.Lock()
    it = iter(work)

    def worker():
        while True:
            with lock:
                job = next(it, None)
            if job is None:
                return
            t = time.monotonic()
            try:
                ans = pool.request({'mode': 'grade', 'question': job[1], 'code': job[2]}, timeout=30)
            except Exception as e:            # a broken zygote is a failure to count, not a crash of the count
                ans = {'verdict': 'error', 'message': repr(e)[:300], 'tasks': []}
            with lock:
                results.append((job, ans, time.monotonic() - t))

    threads = [threading.Thread(target=worker) for _ in range(parallel)]
    try:
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    finally:
        pool.close()
    return results


def measure(level, qs, reps, wrong_reps, parallel=3, nice=0, starve=False):
    """One load level: `level` spinning processes plus `parallel` concurrent gradings. -> a summary dict."""
    work = jobs(qs, reps, wrong_reps)
    loads = []
    stop = threading.Event()

    def sample():
        while not stop.wait(1.0):
            loads.append(os.getloadavg()[0])

    core = max(os.sched_getaffinity(0)) if starve else None
    with Burners(level, core):
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        t0 = time.monotonic()
        try:
            res = grade_all(work, parallel, nice, core)
        finally:
            stop.set()
            sampler.join()
        wall = time.monotonic() - t0
    good_bad = collections.Counter()
    wrong_bad = collections.Counter()
    examples = []
    good_times = []
    ngood = nwrong = 0
    for job, ans, secs in res:
        ok, what = outcome(ans, job[3])
        if job[0] == 'good':
            ngood += 1
            good_times.append(secs)
            if not ok:
                good_bad[what] += 1
        else:
            nwrong += 1
            if not ok:
                wrong_bad['%s instead of %s' % (what, job[3])] += 1
        if not ok and len(examples) < 12:
            t = next((t for t in ans.get('tasks', []) if t.get('status') not in (None, 'passed')), {})
            examples.append({'question': job[1], 'kind': job[0], 'expect': job[3] or 'passed', 'got': what,
                             'message': (t.get('message') or ans.get('message') or '')[:300]})
    return {'spinners': level, 'parallel': parallel, 'nice': nice, 'starve': starve, 'load_avg': round(statistics.mean(loads), 2) if loads else None,
            'good': ngood, 'good_false': sum(good_bad.values()), 'good_false_by_status': dict(good_bad),
            'wrong': nwrong, 'wrong_off': sum(wrong_bad.values()), 'wrong_off_by_kind': dict(wrong_bad),
            'median_ms': round(statistics.median(good_times) * 1000, 1) if good_times else None,
            'p90_ms': round(sorted(good_times)[int(len(good_times) * 0.9)] * 1000, 1) if good_times else None,
            'seconds': round(wall, 1), 'reps': reps, 'wrong_reps': wrong_reps, 'examples': examples}


def markdown(rows):
    out = ['| load | load average (1 min) | correct gradings | false failures | wrong gradings | wrong not given '
           'their status | median / p90 grading ms |',
           '| --- | --- | --- | --- | --- | --- | --- |']
    for r in rows:
        by = ', '.join('%s %d' % kv for kv in sorted(r['good_false_by_status'].items()))
        what = ('starved: one core shared with a real-time process taking it in %d ms bursts, %d gradings at once'
                % (BURST_ON * 1000, r['parallel']) if r['starve'] else
                '%d spinning processes + %d gradings at once' % (r['spinners'], r['parallel']))
        out.append('| %s | %s | %d | %d%s | %d | %d | %s / %s |' % (
            what, r['load_avg'], r['good'], r['good_false'], ' (%s)' % by if by else '',
            r['wrong'], r['wrong_off'], r['median_ms'], r['p90_ms']))
    return '\n'.join(out)


BEGIN, END = '<!-- grader-load:begin -->', '<!-- grader-load:end -->'


def write_benchmarks(path, table):
    """Puts `table` between the grader-load markers of BENCHMARKS.md (the text around them is kept)."""
    text = open(path).read()
    if BEGIN not in text or END not in text:
        raise SystemExit('%s has no %s ... %s section' % (path, BEGIN, END))
    head, rest = text.split(BEGIN, 1)
    _old, tail = rest.split(END, 1)
    stamp = 'Measured by `make grader-load` on %s (%d cores, commit %s).' % (
        time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()), os.cpu_count(), _commit())
    with open(path, 'w') as f:
        f.write(head + BEGIN + '\n' + stamp + '\n\n' + table + '\n' + END + tail)


def _commit():
    try:
        return subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=HERE, capture_output=True,
                              text=True, timeout=10).stdout.strip() or '?'
    except (OSError, subprocess.SubprocessError):
        return '?'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--levels', default='2,4,8', help='numbers of spinning processes, one run each')
    ap.add_argument('--reps', type=int, default=20, help='gradings of each model solution per run')
    ap.add_argument('--wrong-reps', type=int, default=3, help='gradings of each wrong solution per run')
    ap.add_argument('--parallel', type=int, default=3, help='gradings at once (one zygote each)')
    ap.add_argument('--starve-reps', type=int, default=0,
                    help='also a starved run (sandboxes on one core with a bursty real-time process)')
    ap.add_argument('--starve', action='store_true', help='make every run a starved one')
    ap.add_argument('--nice', type=int, default=0, help='niceness of the zygotes')
    ap.add_argument('--only', default='', help='comma-separated question ids')
    ap.add_argument('--json')
    ap.add_argument('--md')
    ap.add_argument('--benchmarks', help='BENCHMARKS.md: write the table between its grader-load markers')
    a = ap.parse_args()
    qs = questions()
    if a.only:
        keep = set(a.only.split(','))
        qs = [q for q in qs if q['id'] in keep]
    runs = [(int(x), a.reps, a.wrong_reps, a.parallel, a.starve) for x in a.levels.split(',') if x]
    if a.starve_reps:
        runs.append((0, a.starve_reps, 1, 2, True))
    rows = []
    for level, reps, wrong_reps, parallel, starve in runs:
        r = measure(level, qs, reps, wrong_reps, parallel, a.nice, starve)
        rows.append(r)
        print('%s spinners %d + %d gradings at once: load %s, correct %d, false failures %d %s; wrong %d, off %d '
              '%s; median %s ms, p90 %s ms, %s s' % ('starved,' if starve else '', level, r['parallel'],
                                                     r['load_avg'], r['good'], r['good_false'],
                                                     r['good_false_by_status'], r['wrong'], r['wrong_off'],
                                                     r['wrong_off_by_kind'], r['median_ms'], r['p90_ms'],
                                                     r['seconds']), flush=True)
        for e in r['examples']:
            print('   ', json.dumps(e), flush=True)
    if a.json:
        with open(a.json, 'w') as f:
            json.dump(rows, f, indent=1)
    if a.md:
        with open(a.md, 'w') as f:
            f.write(markdown(rows) + '\n')
    if a.benchmarks:
        write_benchmarks(a.benchmarks, markdown(rows))
    bad = sum(r['good_false'] + r['wrong_off'] for r in rows)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
