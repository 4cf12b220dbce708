"""Grader benchmarks: python3 grader/bench.py [N]. Prints one line per figure (medians in ms)."""
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


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40
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
    print('throughput, 2 workers, a fresh sandbox per grading: %.1f graded/s (%d in %.2f s)' % (total / dt, total, dt))


if __name__ == '__main__':
    main()
