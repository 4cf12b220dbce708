"""Red-team attempts against the sandbox, both modes (`backend`: one-shot and a pool of serving zygotes).
Each asserts the safe outcome: no pass for a wrong answer, no `error` verdict the submission can cause
(the server reports those as the grader's fault), the syscall surface closed, nothing left behind, and the
zygotes still grading correctly afterwards."""
import json
import time

import pytest

from conftest import sandbox_processes, wait_no_leftovers

GOOD = '''
import asyncio
async def fetch_all(fetch, items):
    return await asyncio.gather(*(fetch(i) for i in items))
'''


def grade(backend, code, q='code-fetch-all'):
    return backend.request({'mode': 'grade', 'question': q, 'code': code}, timeout=40)


def run(backend, code, **kw):
    req = {'mode': 'run', 'code': code, 'timeout': kw.pop('timeout', 5)}
    req.update(kw)
    return backend.request(req, timeout=40)


def statuses(r):
    return [t['status'] for t in r['tasks']]


def still_grades(backend):
    assert grade(backend, GOOD)['verdict'] == 'passed'


# A Timer that never measures anything and writes its own `emit` on the channel (fd 3) with a NaN elapsed:
# json.loads accepted NaN, and `abs(nan - 1.5) > 1e-3` is False, so all three tasks passed. Now the parent rejects
# NaN/Infinity (and 1e999) in a message, and the check is written so that a NaN fails.
@pytest.mark.parametrize('value', ['NaN', 'Infinity', '-Infinity', '1e999'])
def test_nan_elapsed_is_not_a_pass(no_leftovers, backend, value):
    r = grade(backend, '''
import os
class Timer:
    async def __aenter__(self):
        return self
    async def __aexit__(self, *a):
        os.write(3, b'{"k":"emit","v":["elapsed",%s]}')
        self.elapsed = 0
''' % value, 'code-timer')
    assert r['verdict'] == 'failed', r
    assert 'passed' not in statuses(r), r


# Messages of a known kind with values of the wrong types made the trusted parent raise (TypeError:
# unhashable type ...), answered as `verdict: error` ("our fault, try again") instead of a failed attempt.
BAD_MESSAGES = {
    'cancel with a list id': b'{"k":"cancel","id":[1]}',
    'bend with a dict id': b'{"k":"bend","id":{"a":1}}',
    'bstart with a list id': b'{"k":"bstart","id":[1],"a":[],"tid":0}',
    'idle with a string th': b'{"k":"idle","ack":-1,"next":null,"busy":false,"th":"x"}',
    'done nested 5000 deep': b'{"k":"done","ok":true,"v":' + b'[' * 5000 + b']' * 5000 + b'}',
    'huge int': b'{"k":"emit","v":' + b'9' * 5000 + b'}',
    'not a dict': b'[1, 2]',
    'unknown kind': b'{"k":"verdict","v":"passed"}',
}


@pytest.mark.parametrize('name', sorted(BAD_MESSAGES))
def test_bad_message_is_failed_not_error(no_leftovers, backend, name):
    r = grade(backend, '''
import os, asyncio
async def fetch_all(fetch, items):
    os.write(3, %r)
    await asyncio.sleep(1)
    return await asyncio.gather(*(fetch(i) for i in items))
''' % BAD_MESSAGES[name])
    assert r['verdict'] == 'failed', r      # never `error`; not a pass either (the sleep makes it late)
    assert set(statuses(r)) <= {'killed', 'wrong_answer', 'timeout', 'not_concurrent'}, r


@pytest.mark.parametrize('msg', [b'{"k":"tick"}', b'{"k":"loaded","problem":["x"]}', b'{"k":"loaderr","e":[1]}',
                                 b'{"k":"syntax","text":{"a":1}}'])
def test_message_while_loading_is_failed_not_error(no_leftovers, backend, msg):
    """A message written at the top level arrives where the parent waits for `loaded`: it raised Killed outside
    any handler (verdict `error`), or a TypeError on the values."""
    r = grade(backend, 'import os\nos.write(3, %r)\n' % msg + GOOD)
    assert r['verdict'] in ('failed', 'not_gradable'), r
    if r['verdict'] == 'failed':
        assert set(statuses(r)) == {'killed'}, r


def test_unhashable_fetch_argument_is_a_wrong_answer(no_leftovers, backend):
    """An honest mistake (fetch of a list) made the parent raise TypeError in on_call: `verdict: error`."""
    r = grade(backend, '''
async def fetch_all(fetch, items):
    return [await fetch([i]) for i in items]
''')
    assert r['verdict'] == 'failed' and statuses(r)[0] == 'wrong_answer', r
    assert 'did not expect' in r['tasks'][0]['message']


@pytest.mark.parametrize('how', ['forged done', 'lying eq', 'token-like strings'])
def test_forged_answers_do_not_pass(no_leftovers, backend, how):
    code = {
        # a `done` written by hand, right after the calls started, with made-up tokens
        'forged done': '''
import os, asyncio, json
async def fetch_all(fetch, items):
    ts = [asyncio.ensure_future(fetch(i)) for i in items]
    await asyncio.sleep(0)
    os.write(3, json.dumps({"k": "done", "ok": True, "v": ["r-%010x" % n for n in range(len(items))]}).encode())
    return await asyncio.gather(*ts)
''',
        # an object that equals everything: only JSON crosses the channel, so it arrives as {"$obj": ...}
        'lying eq': '''
class Any(list):
    def __eq__(self, o): return True
    def __ne__(self, o): return False
    def __hash__(self): return 0
    def __repr__(self): return "['r-0000000000']"
async def fetch_all(fetch, items):
    return Any()
''',
        'token-like strings': '''
import os
async def fetch_all(fetch, items):
    return ['r-' + os.urandom(5).hex() for _ in items]
''',
    }[how]
    r = grade(backend, code)
    assert r['verdict'] == 'failed', r
    assert statuses(r)[0] in ('wrong_answer', 'killed', 'not_concurrent'), r
    still_grades(backend)


# What the child can do to the kernel. EPERM = 1, ENOSYS = 38. (An x32-ABI syscall kills: test_seccomp.py.)
SYSCALLS = r'''
import ctypes, os, signal, resource, asyncio, subprocess, json
libc = ctypes.CDLL(None, use_errno=True)
def sc(nr, *a):
    r = libc.syscall(nr, *a)
    return r if r >= 0 else -ctypes.get_errno()
out = {
    'unshare(NEWUSER)': sc(272, 0x10000000),
    'unshare(NEWUSER|NEWNS)': sc(272, 0x10020000),
    'clone(NEWUSER)': sc(56, 0x10000000 | 17, 0, 0, 0, 0),
    'setns': sc(308, 0, 0),
    'clone3': sc(435, 0, 0),
    'memfd_create': sc(319, b'x', 0),
    'shmget': sc(29, 0, 1 << 20, 0o1600),
    'semget': sc(64, 0, 1000, 0o1600),
    'msgget': sc(68, 0, 0o1600),
    'io_uring_setup': sc(425, 8, 0),
    'userfaultfd': sc(323, 0),
    'perf_event_open': sc(298, 0, 0, -1, -1, 0),
    'bpf': sc(321, 0, 0, 0),
    'keyctl': sc(250, 0, 0, 0, 0, 0),
    'add_key': sc(248, b'user', b'x', b'y', 1, -4),
    'mount': sc(165, b'x', b'/tmp', b'tmpfs', 0, 0),
    'setuid(0)': sc(105, 0),
    'ptrace(ATTACH, 1)': sc(101, 16, 1, 0, 0),
    'ptrace(ATTACH, ppid)': sc(101, 16, os.getppid(), 0, 0),
}
for sig in (signal.SIGKILL, signal.SIGSTOP):
    for pid in {1, os.getppid()}:
        try:
            os.kill(pid, sig); out['kill %d %d' % (pid, sig)] = 0
        except OSError as e:
            out['kill %d %d' % (pid, sig)] = -e.errno
for p in ('/proc/1/mem', '/proc/1/environ', '/proc/%d/mem' % os.getppid()):
    try:
        open(p, 'rb').read(1); out[p] = 0
    except OSError as e:
        out[p] = -e.errno
try:
    resource.setrlimit(resource.RLIMIT_NPROC, (1000, 1000)); out['raise rlimit'] = 0
except (OSError, ValueError):
    out['raise rlimit'] = -1
fds = []
for fd in os.listdir('/proc/self/fd'):
    try:
        fds.append((int(fd), os.readlink('/proc/self/fd/' + fd)))
    except OSError:
        pass
out['fds'] = sorted(fds)
# what still has to work: threads, executors, fork, subprocess
async def main():
    return await asyncio.to_thread(lambda: 42)
pid = os.fork()
if pid == 0:
    os._exit(7)
out['works'] = [asyncio.run(main()), os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]),
                subprocess.run(['/usr/bin/echo', 'sub'], capture_output=True, text=True).stdout]
print(json.dumps(out))
'''


def test_syscall_surface(no_leftovers, backend):
    r = run(backend, SYSCALLS, clock='real')
    assert r['status'] == 'ok', r
    out = json.loads(r['stdout'])
    assert out.pop('works') == [42, 7, 'sub\n'], out
    fds = out.pop('fds')
    assert [fd for fd, _ in fds if fd not in (0, 1, 2)] in ([], [3]), fds   # 3: the listdir's own fd
    assert dict(fds)[0] == '/dev/null', fds
    assert out.pop('clone3') == -38, out
    assert out.pop('raise rlimit') == -1
    bad = {k: v for k, v in out.items() if v not in (-1, -13)}     # EPERM, or EACCES for the /proc files
    assert not bad, bad


def test_i386_syscall_kills(no_leftovers, backend):
    """int 0x80 (the i386 ABI) is killed by the filter rather than let through."""
    r = run(backend, r'''
import ctypes, mmap
code = b'\xb8\x14\x00\x00\x00\xcd\x80\xc3'          # mov eax, 20 (i386 getpid); int 0x80; ret
m = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
m.write(code)
f = ctypes.CFUNCTYPE(ctypes.c_int)(ctypes.addressof(ctypes.c_char.from_buffer(m)))
print('returned', f(), flush=True)
''')
    assert r['status'] == 'killed' and 'returned' not in r['stdout'], r


def test_hidden_memory_denied(no_leftovers, backend):
    """memfds and SysV shm hold memory outside every RSS (the 1 GB check summed RSS): measured 1.9 GB in memfds and
    1.5 GB in detached shm segments with no memory_limit, with room for far more. Both are closed; a user
    namespace (for a tmpfs of any size) too. What remains writable is /tmp (32 MB) and each process's own RSS."""
    r = run(backend, r'''
import os, ctypes
libc = ctypes.CDLL(None, use_errno=True)
res = []
try:
    os.memfd_create('x'); res.append('memfd')
except OSError:
    pass
if libc.shmget(0, 64 << 20, 0o1600) >= 0:
    res.append('shm')
if libc.unshare(0x10020000) == 0:
    res.append('userns')
print(res)
''')
    assert r['stdout'] == '[]\n', r


def test_message_flood_does_not_outlive_the_limits(no_leftovers, backend):
    """Processes that write `tick` messages as fast as they can: the parent reads at most 256 in a row before
    it looks at its deadlines again, and no message counts as a step of the loop. The first task floods (a marker
    in /tmp tells later children not to)."""
    t0 = time.monotonic()
    r = grade(backend, '''
import os, asyncio
def spam():
    m = b'{"k":"tick"}'
    while True:
        try:
            os.write(3, m)
        except OSError:
            pass
async def fetch_all(fetch, items):
    if not os.path.exists('/tmp/flooded'):
        open('/tmp/flooded', 'w').close()
        for _ in range(4):
            if os.fork() == 0:
                spam()
        spam()
    return await asyncio.gather(*(fetch(i) for i in items))
''')
    assert time.monotonic() - t0 < 12
    # the loop's own thread writes forever and never yields: a blocked loop (the messages are no sign of a step)
    assert r['verdict'] == 'failed' and statuses(r)[0] == 'blocked_loop', r
    still_grades(backend)


def test_deep_and_huge_results(no_leftovers, backend):
    r = grade(backend, '''
async def fetch_all(fetch, items):
    x = []
    for _ in range(100000):
        x = [x]
    return [x] * 10 ** 6
''')
    assert r['verdict'] == 'failed' and statuses(r)[0] == 'wrong_answer', r
    still_grades(backend)


def test_zygote_and_host_clean_after_redteam(backend):
    still_grades(backend)
    assert run(backend, 'print(6 * 7)')['stdout'] == '42\n'
    assert wait_no_leftovers(), sandbox_processes()
