"""The run mode (used to prove predict-the-output questions)."""


def test_virtual_clock_sleep(backend):
    r = backend.run('''
import asyncio, time
async def main():
    t = time.perf_counter()
    await asyncio.gather(asyncio.sleep(2), asyncio.sleep(1))
    print('took', round(time.perf_counter() - t, 1))
asyncio.run(main())
''')
    assert r == {'status': 'ok', 'exit_code': 0, 'clock': 'virtual', 'stdout': 'took 2.0\n', 'stderr': ''}


def test_real_clock_with_threads(backend):
    r = backend.run('''
import asyncio, time
def slow():
    time.sleep(0.05)
    return 5
async def main():
    print(await asyncio.to_thread(slow))
asyncio.run(main())
''')
    assert r['status'] == 'ok' and r['clock'] == 'real' and r['stdout'] == '5\n'


def test_explicit_real_clock(backend):
    r = backend.run('import asyncio\nasyncio.run(asyncio.sleep(0.1))\nprint("ok")', clock='real')
    assert r['status'] == 'ok' and r['stdout'] == 'ok\n' and r['clock'] == 'real'


def test_exception_and_exit_code(backend):
    r = backend.run('print("a")\n1/0')
    assert r['status'] == 'ok' and r['exit_code'] == 1 and r['stdout'] == 'a\n'
    assert 'ZeroDivisionError' in r['stderr'] and 'harness' not in r['stderr']
    assert backend.run('import sys; sys.exit(3)')['exit_code'] == 3


def test_timeout(backend):
    r = backend.run('while True: pass', timeout=1)
    assert r['status'] == 'timeout' and r['exit_code'] is None


def test_memory_limit(backend):
    assert backend.run('x = bytearray(10 ** 10)')['status'] == 'memory_limit'


def test_output_limit(backend):
    r = backend.run('import sys\nwhile True: sys.stdout.write("x" * 100000)')
    assert r['status'] == 'output_limit' and len(r['stdout']) <= 64 * 1024


def test_sandboxed(backend):
    r = backend.run('import os\nprint(os.getuid() != 0, sorted(os.listdir("/")), os.path.exists("/etc/shadow"))')
    assert r['stdout'] == "True ['bin', 'dev', 'lib', 'lib64', 'proc', 'tmp', 'usr'] False\n"


def test_killed(backend):
    r = backend.run('import os, signal\nos.kill(os.getpid(), signal.SIGKILL)')
    assert r['status'] == 'killed'


def test_keyrings_denied(backend):
    """The kernel keeps a uid's keyring after its processes end: a key could reach a later submission
    with the same uid. add_key, request_key and keyctl fail with EPERM (seccomp)."""
    r = backend.run('''
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
out = []
for nr, args in ((248, (b"user", b"leak", b"SECRET", 6, -4)), (249, (b"user", b"leak", None, 0)), (250, (0, -4, 0))):
    out.append((libc.syscall(nr, *args), ctypes.get_errno()))
print(out)
''')
    assert r['stdout'] == '[(-1, 1), (-1, 1), (-1, 1)]\n', r
