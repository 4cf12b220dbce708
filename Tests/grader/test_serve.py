"""`launch --serve`: one zygote, many requests, each isolated as if in a fresh sandbox."""
import json
import os
import re
import signal
import threading
import time

import pytest

import client
from conftest import SERVE_UID_LO, SERVE_UID_HI, sandbox_processes, wait_no_leftovers

GOOD = '''
import asyncio
async def fetch_all(fetch, items):
    return await asyncio.gather(*(fetch(i) for i in items))
'''

# Scans its own memory (gc objects, then every readable mapping of /proc/self/mem) for MARKER-like strings and
# the answer tokens of fetch ('r-' + 10 hex). The patterns cannot match their own text.
SCAN = r'''
import gc, re
PAT = re.compile(rb'QZMARK[0-9a-f]{32}|r-[0-9a-f]{10}(?![0-9a-f])')
found = set()
for o in gc.get_objects():
    for v in (o.values() if isinstance(o, dict) else o if isinstance(o, (list, tuple)) else [o]):
        if isinstance(v, str) and ('QZMARK' in v or 'r-' in v):
            found.update(m.decode() for m in PAT.findall(v.encode('utf-8', 'replace')))
with open('/proc/self/maps') as f:
    maps = f.read().splitlines()
with open('/proc/self/mem', 'rb', 0) as mem:
    for line in maps:
        addr, perms = line.split()[:2]
        if 'r' not in perms or line.endswith(('[vvar]', '[vsyscall]', '[vdso]')):
            continue
        lo, hi = (int(x, 16) for x in addr.split('-'))
        try:
            mem.seek(lo)
            found.update(m.decode() for m in PAT.findall(mem.read(hi - lo)))
        except (OSError, ValueError, OverflowError):
            pass
FOUND = sorted(found)
'''


@pytest.fixture(scope='module')
def zyg():
    z = client.Zygote()
    yield z
    z.kill()


def run(z, code, **kw):
    req = {'mode': 'run', 'code': code, 'timeout': kw.pop('timeout', 5)}
    req.update(kw)
    return z.request(req, 40)


def grade(z, code, q='code-fetch-all'):
    return z.request({'mode': 'grade', 'question': q, 'code': code}, 40)


def test_tmp_is_fresh_per_request(zyg):
    mark = 'QZMARK' + os.urandom(16).hex()
    r = run(zyg, 'open("/tmp/%s", "w").write("x")\nimport os\nprint(os.listdir("/tmp"))' % mark)
    assert r['stdout'] == "['%s']\n" % mark
    r = grade(zyg, '''
import os
SEEN = os.listdir('/tmp')
open('/tmp/from-grade', 'w').write('x')
async def fetch_all(fetch, items):
    raise RuntimeError('SEEN=%r' % SEEN)
''')
    assert 'SEEN=[]' in r['tasks'][0]['message'], r
    r = run(zyg, 'import os\nprint(os.listdir("/tmp"), os.access("/tmp", os.W_OK))')
    assert r['stdout'] == '[] True\n'


def test_nothing_writable_outside_tmp(zyg):
    r = run(zyg, '''
import os
w = [d for d in ('/usr', '/usr/bin', '/usr/lib', '/usr/local', '/usr/tmp') if os.access(d, os.W_OK)]
for top in ('/', '/dev', '/proc/sys', '/proc/1'):
    for d, ds, fs in os.walk(top):
        if d.startswith('/proc') and d.count('/') > 3:
            ds[:] = []
        if top == '/' and d == '/':
            ds[:] = [x for x in ds if x not in ('proc', 'usr', 'dev')]
        if os.access(d, os.W_OK):
            w.append(d)
print(sorted(set(w)))
''')
    assert r['stdout'] == "['/tmp']\n", r


def test_previous_code_and_tokens_not_in_memory(zyg):
    mark = 'QZMARK' + os.urandom(16).hex()
    # the first submission holds a marker in its code and prints the answer tokens it got
    first = grade(zyg, '''
import asyncio
KEEP = %r * 3
async def fetch_all(fetch, items):
    r = await asyncio.gather(*(fetch(i) for i in items))
    print(repr(r), KEEP)
    return r
''' % mark)
    assert first['verdict'] == 'passed', first
    tokens = set(re.findall(r"r-[0-9a-f]{10}", ''.join(t.get('output', '') for t in first['tasks'])))
    assert len(tokens) >= 3
    # positive control: the scanner finds a marker held by its own submission
    me = 'QZMARK' + os.urandom(16).hex()
    own = run(zyg, SCAN + 'X = %r\nprint(FOUND)' % me)
    assert me in own['stdout'], own
    # the next submissions (grade and run) find nothing of the first
    nxt = grade(zyg, SCAN + '''
async def fetch_all(fetch, items):
    raise RuntimeError('FOUND=' + ','.join(FOUND))
''')
    msg = nxt['tasks'][0]['message']
    assert 'FOUND=' in msg and mark not in msg and not tokens & set(re.findall(r"r-[0-9a-f]{10}", msg)), msg
    again = run(zyg, SCAN + 'print(FOUND)')
    assert again['status'] == 'ok' and mark not in again['stdout'] and not tokens & set(again['stdout'].split("'"))
    # nor does the zygote hold it (read from outside, as root)
    zp = zyg.zygote_pid()
    with open('/proc/%d/maps' % zp) as f, open('/proc/%d/mem' % zp, 'rb', 0) as mem:
        for line in f:
            addr, perms = line.split()[:2]
            if 'r' not in perms or line.rstrip().endswith(('[vvar]', '[vsyscall]', '[vdso]')):
                continue
            lo, hi = (int(x, 16) for x in addr.split('-'))
            try:
                mem.seek(lo)
                data = mem.read(hi - lo)
            except (OSError, ValueError, OverflowError):
                continue
            assert mark.encode() not in data and mark[::-1].encode() not in data
            assert not any(t.encode() in data for t in tokens)


def test_own_pid_ipc_uts_namespaces_and_uid(zyg):
    probe = '''
import os, ctypes, socket
libc = ctypes.CDLL(None, use_errno=True)
print(os.getuid(), os.getpid(), sorted(int(p) for p in os.listdir('/proc') if p.isdigit()),
      libc.shmget(0x5157, 0, 0) >= 0, socket.gethostname())
libc.shmget(0x5157, 4096, 0o1666)
'''
    seen = [run(zyg, probe)['stdout'].split(' ', 2) for _ in range(4)]
    uids = [int(s[0]) for s in seen]
    assert len(set(uids)) == 4 and all(SERVE_UID_LO <= u < SERVE_UID_HI for u in uids)
    for s in seen:
        assert s[1] == '2'                        # the request's own pid namespace: its parent is pid 1
        assert s[2].startswith('[1, 2] False'), s  # no other process; the shm segment of the last one is gone
    other = client.Zygote()
    try:
        u2 = int(run(other, probe)['stdout'].split()[0])
    finally:
        other.kill()
    assert u2 not in uids


def test_concurrent_requests_cannot_talk(zyg):
    """One request listens on loopback TCP and an abstract unix socket; a request in another zygote, at the
    same time, cannot reach either."""
    other = client.Zygote()
    port = 40000 + int.from_bytes(os.urandom(2), 'little') % 20000
    out = {}

    def listen():
        out['srv'] = run(zyg, '''
import socket, time, threading
s = socket.socket(); s.bind(('127.0.0.1', %d)); s.listen(); s.setblocking(False)
u = socket.socket(socket.AF_UNIX); u.bind('\\0quiz-serve-test'); u.listen(); u.setblocking(False)
print('listening', flush=True)
got = []
end = time.time() + 2.0
while time.time() < end:
    for x in (s, u):
        try:
            got.append(x.accept())
        except BlockingIOError:
            pass
    time.sleep(0.01)
print('accepted', len(got))
''' % port, clock='real')
    th = threading.Thread(target=listen)
    th.start()
    time.sleep(0.7)
    try:
        r = run(other, '''
import socket
for addr, fam in ((('127.0.0.1', %d), socket.AF_INET), ('\\0quiz-serve-test', socket.AF_UNIX)):
    try:
        c = socket.socket(fam); c.settimeout(0.3); c.connect(addr); print('CONNECTED', addr)
    except OSError as e:
        print('refused', type(e).__name__)
''' % port)
    finally:
        th.join()
        other.kill()
    assert 'CONNECTED' not in r['stdout'] and r['stdout'].count('refused') == 2, r
    assert out['srv']['stdout'] == 'listening\naccepted 0\n', out


def test_keeps_serving_after_hostile_submissions(zyg):
    zp = zyg.zygote_pid()
    hostile = {
        'fork bomb': 'import os\nasync def fetch_all(fetch, items):\n    while True:\n        try:\n            os.fork()\n'
                     '        except OSError:\n            pass\n',
        'os._exit': 'import os\nasync def fetch_all(fetch, items):\n    os._exit(0)\n',
        'segfault': 'import ctypes\nasync def fetch_all(fetch, items):\n    ctypes.string_at(0)\n',
        'infinite loop': 'async def fetch_all(fetch, items):\n    while True:\n        pass\n',
        'top-level loop': 'while True:\n    pass\n',
        '1 GB output': 'import sys\nasync def fetch_all(fetch, items):\n    b = "x" * (1 << 20)\n'
                       '    for _ in range(1024):\n        sys.stdout.write(b)\n',
    }
    for name, code in hostile.items():
        r = grade(zyg, code)
        assert r['verdict'] == 'failed', (name, r)
        assert grade(zyg, GOOD)['verdict'] == 'passed', name
    for code, want in (('while True: pass', 'timeout'), ('import sys\nwhile True: sys.stdout.write("x" * 99999)',
                                                         'output_limit'),
                       ('import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass', None)):
        r = run(zyg, code, timeout=1)
        assert want is None or r['status'] == want, r
        assert run(zyg, 'print(1)')['stdout'] == '1\n'
    assert zyg.zygote_pid() == zp and zyg.p.poll() is None
    assert wait_no_leftovers(), sandbox_processes()


def rss_kb(pid):
    with open('/proc/%d/status' % pid) as f:
        return int(next(line for line in f if line.startswith('VmRSS:')).split()[1])


def test_memory_flat_over_200_requests(zyg):
    zp = zyg.zygote_pid()
    for _ in range(20):
        assert grade(zyg, GOOD)['verdict'] == 'passed'
    before = rss_kb(zp)
    fds_before = len(os.listdir('/proc/%d/fd' % zp))
    for i in range(200):
        r = grade(zyg, GOOD) if i % 2 else run(zyg, 'print(%d)' % i)
        assert r.get('verdict', r.get('status')) in ('passed', 'ok'), r
    after = rss_kb(zp)
    assert after - before < 512, (before, after)
    assert len(os.listdir('/proc/%d/fd' % zp)) == fds_before
    assert len(client.descendants(zyg.p.pid)) <= 3      # bwrap init, the zygote, the idle worker


def test_worker_killed_mid_request_is_answered(zyg):
    """P (the request's trusted parent) dies mid-request: the zygote answers with an error and goes on."""
    zp = zyg.zygote_pid()
    res = {}
    th = threading.Thread(target=lambda: res.update(r=run(zyg, 'while True: pass', timeout=10)))
    th.start()
    time.sleep(0.5)
    p = client.children(zp)[0]          # the worker: init of the request's pid namespace
    os.kill(p, signal.SIGKILL)
    th.join(15)
    r = res['r']
    assert r['status'] == 'error' and r['verdict'] == 'error' and 'without an answer' in r['message'], r
    assert grade(zyg, GOOD)['verdict'] == 'passed'
    assert zyg.zygote_pid() == zp


def test_reads_exactly_one_line():
    """Two requests in one write: the first worker must not read a byte of the second."""
    z = client.Zygote()
    try:
        a = json.dumps({'mode': 'run', 'code': 'print("first")'})
        b = json.dumps({'mode': 'run', 'code': 'print("second")'})
        z.send((a + '\n' + b + '\n').encode())
        assert json.loads(z._readline(20))['stdout'] == 'first\n'
        assert json.loads(z._readline(20))['stdout'] == 'second\n'
        assert z.request({'mode': 'list'})['questions']
        # a line longer than a pipe's buffer; one over the 4 MB limit is consumed and answered with an error
        big = 'x = 1\n' * 40000 + 'print("big")'
        assert z.request({'mode': 'run', 'code': big})['stdout'] == 'big\n'
        assert 'larger than 4 MB' in z.request({'mode': 'run', 'code': '#' + 'y' * (5 << 20)})['message']
        # a bad line gets an error line, and the next one is served
        z.send(b'not json\n')
        assert json.loads(z._readline(20))['verdict'] == 'error'
        assert z.request({'mode': 'run', 'code': 'print(3)'})['stdout'] == '3\n'
        z.p.stdin.close()                      # end of input: the zygote exits
        assert z.p.wait(10) == 0
    finally:
        z.kill()
