"""Grader benchmarks: python3 grader/bench.py [N]. Prints one line per figure (medians in ms): the floor, the
one-shot mode (a fresh sandbox per request), then the serving mode (`launch --serve`)."""
import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import client  # noqa: E402

GOOD = '''
import asyncio

async def fetch_all(fetch, items):
    return await asyncio.gather(*(fetch(i) for i in items))
'''
FLOOR = ['/usr/bin/bwrap', '--unshare-ipc', '--unshare-pid', '--unshare-net', '--unshare-uts',
         '--die-with-parent', '--ro-bind', '/usr', '/usr', '--symlink', 'usr/lib', '/lib',
         '--symlink', 'usr/lib64', '/lib64', '--symlink', 'usr/bin', '/bin', '--proc', '/proc',
         '--dev', '/dev', '--tmpfs', '/tmp', '/usr/bin/python3', '-I', '-S', '-c', 'pass']


def med(xs):
    return statistics.median(xs) * 1000


def p90(xs):
    return sorted(xs)[int(len(xs) * 0.9)] * 1000


def load():
    return '%.2f %.2f %.2f' % os.getloadavg()


def serve_figures(n):
    req = {'mode': 'grade', 'question': 'code-fetch-all', 'code': GOOD}
    z = client.Zygote()
    print('serve: launch --serve to ready: %.1f ms' % ((z.ready_at - z.t0) * 1000))
    for _ in range(5):
        z.request(req)
    for gap, label in ((0, 'back to back'), (0.02, '20 ms apart')):
        lat = []
        for _ in range(max(n, 50)):
            if gap:
                time.sleep(gap)
            assert z.request(req)['verdict'] == 'passed'
            lat.append(z.elapsed)
        print('serve: grade of a correct code-fetch-all through one zygote, %s: median %.1f ms, p90 %.1f ms'
              ' (load %s)' % (label, med(lat), p90(lat), load()))
    lat = []
    for _ in range(max(n, 50)):
        z.request({'mode': 'run', 'code': 'print(1)'})
        lat.append(z.elapsed)
    print('serve: run of print(1), back to back: median %.1f ms, p90 %.1f ms' % (med(lat), p90(lat)))
    z.kill()

    pool = client.ZygotePool(2)
    for _ in range(4):
        pool.request(req)
    total = max(4 * n, 200)

    def one(_):
        t = time.perf_counter()
        assert pool.request(req)['verdict'] == 'passed'
        return time.perf_counter() - t
    t = time.perf_counter()
    with ThreadPoolExecutor(2) as ex:
        lat = list(ex.map(one, range(total)))
    dt = time.perf_counter() - t
    print('serve: throughput, 2 zygotes in parallel: %.1f graded/s (%d in %.2f s; latency median %.1f ms, '
          'p90 %.1f ms; load %s)' % (total / dt, total, dt, med(lat), p90(lat), load()))
    pool.close()


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    print('load average at start: %s (2 cores: anything above ~1 inflates every figure)' % load())
    floor = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(FLOOR, check=True, env={})
        floor.append(time.perf_counter() - t)
    print('floor (bwrap + python3 -I -S -c pass): median %.1f ms, p90 %.1f ms' % (med(floor), p90(floor)))

    ready, grade_t = [], []
    for _ in range(n):
        sb = client.Sandbox()
        ready.append(sb.ready_at - sb.t0)
        t = time.perf_counter()
        sb.p.stdin.write((json.dumps({'mode': 'grade', 'question': 'code-fetch-all', 'code': GOOD}) + '\n').encode())
        sb.p.stdin.flush()
        line = sb.p.stdout.readline()
        grade_t.append(time.perf_counter() - t)
        assert json.loads(line)['verdict'] == 'passed', line
        sb.p.wait()
    print('launch to ready: median %.1f ms, p90 %.1f ms' % (med(ready), p90(ready)))
    print('grade of a correct code-fetch-all after ready (4 tasks): median %.1f ms, p90 %.1f ms'
          % (med(grade_t), p90(grade_t)))

    total = max(n, 60)

    def one(_):
        r = client.grade('code-fetch-all', GOOD)
        assert r['verdict'] == 'passed'
    t = time.perf_counter()
    with ThreadPoolExecutor(2) as ex:
        list(ex.map(one, range(total)))
    dt = time.perf_counter() - t
    print('throughput, 2 workers, a fresh sandbox per grading: %.1f graded/s (%d in %.2f s; load %s)'
          % (total / dt, total, dt, load()))
    serve_figures(n)


if __name__ == '__main__':
    main()
