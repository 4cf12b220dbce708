"""The child's seccomp allow-list (harness.py, SECCOMP_ALLOW), in the real sandbox, both modes (`backend`).

A submission that tries syscalls outside the list gets EPERM (ENOSYS for clone3) and a clear verdict, in run mode
and in grade mode; a foreign-ABI syscall kills it; what the bank needs (threads, loopback streams, fork, exec) still
works; and the trusted side refuses to start rather than run a child unfiltered. Syscall numbers are resolved by
name with libseccomp (python3-seccomp, which the Makefile installs), so the tests follow the machine's architecture.
"""
import json
import os
import subprocess
import sys

import pytest

from conftest import GRADER

sys.path.append('/usr/lib/python3/dist-packages')
import seccomp  # noqa: E402  (Debian's python3-seccomp)
sys.path.remove('/usr/lib/python3/dist-packages')

EPERM, ENOSYS = 1, 38
AF_NETLINK, AF_PACKET, AF_VSOCK, AF_ALG = 16, 17, 40, 38
SOCK_STREAM, SOCK_DGRAM, SOCK_RAW = 1, 2, 3
CLONE_NEWUSER, CLONE_NEWNET, SIGCHLD = 0x10000000, 0x40000000, 17


def nr(name):
    n = seccomp.resolve_syscall(seccomp.Arch.NATIVE, name)
    assert n >= 0, name
    return n


# name -> (syscall, args): each must fail with EPERM inside the sandbox. Bytes are passed as pointers. Run without the
# filter by an unprivileged uid (checked once by hand, 1 Dec), all but 8 of them (ptrace ATTACH, mount, umount2,
# clone NEWUSER after the unshare, reboot, userfaultfd, syslog, PR_SET_MM) succeed or fail with another errno: the
# unshare(CLONE_NEWUSER) succeeds, and in that namespace so do unshare(NEWNET), chroot and socket(AF_PACKET).
DENIED = {
    'ptrace(TRACEME)': ('ptrace', (0, 0, 0, 0)),
    'ptrace(ATTACH, parent)': ('ptrace', (16, 'PPID', 0, 0)),
    'mount(tmpfs)': ('mount', (b'x', b'/tmp', b'tmpfs', 0, 0)),
    'umount2': ('umount2', (b'/tmp', 0)),
    'keyctl': ('keyctl', (0, -4, 0, 0, 0)),
    'add_key': ('add_key', (b'user', b'leak', b'SECRET', 6, -4)),
    'request_key': ('request_key', (b'user', b'leak', 0, 0)),
    'unshare(NEWUSER)': ('unshare', (CLONE_NEWUSER,)),
    'unshare(NEWNET)': ('unshare', (CLONE_NEWNET,)),
    'setns': ('setns', (0, 0)),
    'clone(NEWUSER)': ('clone', (CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0)),
    'bpf': ('bpf', (0, 0, 0)),
    'kexec_load': ('kexec_load', (0, 0, 0, 0)),
    'init_module': ('init_module', (0, 0, b'')),
    'finit_module': ('finit_module', (0, b'', 0)),
    'reboot': ('reboot', (0xfee1dead, 672274793, 0x4321fedc, 0)),
    'personality(PER_LINUX32)': ('personality', (8,)),
    'socket(AF_PACKET)': ('socket', (AF_PACKET, SOCK_RAW, 0)),
    'socket(AF_NETLINK)': ('socket', (AF_NETLINK, SOCK_RAW, 0)),
    'socket(AF_VSOCK)': ('socket', (AF_VSOCK, SOCK_STREAM, 0)),
    'socket(AF_ALG)': ('socket', (AF_ALG, 5, 0)),
    'socketpair(AF_INET)': ('socketpair', (2, SOCK_STREAM, 0, 'BUF')),
    'memfd_create': ('memfd_create', (b'x', 0)),
    'shmget': ('shmget', (0, 1 << 20, 0o1600)),
    'semget': ('semget', (0, 10, 0o1600)),
    'msgget': ('msgget', (0, 0o1600)),
    'mq_open': ('mq_open', (b'q', 0o100 | 2, 0o600, 0)),
    'io_uring_setup': ('io_uring_setup', (8, 'BUF')),
    'userfaultfd': ('userfaultfd', (0,)),
    'perf_event_open': ('perf_event_open', ('BUF', 0, -1, -1, 0)),
    'process_vm_readv': ('process_vm_readv', ('PPID', 0, 0, 0, 0, 0)),
    'pidfd_getfd': ('pidfd_getfd', (0, 0, 0)),
    'seccomp': ('seccomp', (1, 0, 0)),
    'chroot': ('chroot', (b'/tmp',)),
    'setuid(0)': ('setuid', (0,)),
    'setresuid(0)': ('setresuid', (0, 0, 0)),
    'capset': ('capset', ('BUF', 'BUF')),
    'syslog': ('syslog', (3, 'BUF', 64)),
    'mlock': ('mlock', ('BUF', 64)),
    'splice': ('splice', (0, 0, 1, 0, 1, 0)),
    'open_by_handle_at': ('open_by_handle_at', (0, 'BUF', 0)),
    'setsockopt(SOL_UDP, UDP_ENCAP)': ('setsockopt', ('SOCK', 17, 100, 'BUF', 4)),
    'setsockopt(TCP_ULP), high bits': ('setsockopt', ('SOCK', (1 << 32) | 6, 31, b'tls', 3)),
    'socket(AF_INET6), high bits': ('socket', ((1 << 32) | 10, SOCK_STREAM, 0)),
    'ioctl(TIOCSTI)': ('ioctl', (0, 0x5412, b'x')),
    'prctl(PR_SET_DUMPABLE)': ('prctl', (4, 1, 0, 0, 0)),
    'prctl(PR_SET_MM)': ('prctl', (35, 1, 0, 0, 0)),
}
PROBE = r'''
import ctypes, os, socket
libc = ctypes.CDLL(None, use_errno=True)
buf = ctypes.create_string_buffer(256)
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
def sc(n, *args):
    a = [ctypes.c_long(os.getppid()) if x == 'PPID' else buf if x == 'BUF' else
         ctypes.c_long(sock.fileno()) if x == 'SOCK' else
         ctypes.c_char_p(x) if isinstance(x, bytes) else ctypes.c_long(x) for x in args]
    r = libc.syscall(ctypes.c_long(n), *a)
    return r if r >= 0 else -ctypes.get_errno()
def probe():
    out = {name: sc(n, *args) for name, (n, args) in CALLS.items()}
    out['clone3'] = sc(CLONE3, 0, 0)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.setsockopt(socket.IPPROTO_TCP, 31, b'tls'); out['setsockopt(TCP_ULP)'] = 0
    except OSError as e:
        out['setsockopt(TCP_ULP)'] = -e.errno
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)     # other TCP options still work
    s.close()
    return out
'''


def probe_source():
    calls = {name: (nr(sc), args) for name, (sc, args) in DENIED.items()}
    return 'CALLS = %r\nCLONE3 = %d\n' % (calls, nr('clone3')) + PROBE


def check(out):
    assert out.pop('clone3') == -ENOSYS, out       # glibc then falls back to clone, whose flags the filter reads
    bad = {k: v for k, v in out.items() if v != -EPERM}
    assert not bad, bad
    assert set(out) == set(DENIED) | {'setsockopt(TCP_ULP)'}


def test_denied_syscalls_run_mode(no_leftovers, backend):
    code = probe_source() + '''
import json, threading
res = {}
t = threading.Thread(target=lambda: res.update(probe()))     # in a thread too: threads inherit the filter
t.start(); t.join()
print(json.dumps([probe(), res]))
'''
    r = backend.request({'mode': 'run', 'code': code, 'timeout': 10}, timeout=40)
    assert r['status'] == 'ok' and r['exit_code'] == 0, r
    main, thread = json.loads(r['stdout'])
    check(main)
    check(thread)


def test_denied_syscalls_grade_mode(no_leftovers, backend):
    """Inside a graded submission, on the loop's thread and in an executor: EPERM, and the model answer still
    passes (the probe raises if anything was let through, which would be a runtime_error, never `error`)."""
    code = probe_source() + '''
import asyncio, json
async def fetch_all(fetch, items):
    for out in (probe(), await asyncio.get_running_loop().run_in_executor(None, probe)):
        bad = {k: v for k, v in out.items() if v != (-38 if k == 'clone3' else -1)}
        if bad:
            raise RuntimeError('let through: %r' % bad)
    print('all denied')
    return list(await asyncio.gather(*(fetch(item) for item in items)))
'''
    r = backend.grade('code-fetch-all', code, timeout=40)
    assert r['verdict'] == 'passed', r
    # each task's probe raised unless all was denied (a pass says so); output is matched to tasks as the parent
    # reads the pipe, so under load a task's line can land in the next one's
    assert any('all denied' in t.get('output', '') for t in r['tasks']), r


def test_allowed_still_work(no_leftovers, backend):
    """What the bank's questions use, under the filter: threads and executors, loopback streams over IPv4 and
    IPv6, unix sockets, fork, subprocesses (exec of python3 and of a shell pipeline), signals, temp files."""
    r = backend.request({'mode': 'run', 'timeout': 10, 'code': r'''
import asyncio, os, shutil, signal, socket, subprocess, sys, tempfile, threading
async def echo(r, w):
    w.write(await r.readline()); await w.drain(); w.close()
async def main():
    out = []
    for host in ('127.0.0.1', '::1'):
        srv = await asyncio.start_server(echo, host, 0)
        r, w = await asyncio.open_connection(host, srv.sockets[0].getsockname()[1])
        w.write(b'hi\n'); out.append(await r.readline()); w.close(); srv.close()
    p = await asyncio.create_subprocess_exec(sys.executable, '-c', 'import asyncio; print(6 * 7)',
                                             stdout=subprocess.PIPE)
    out.append((await p.communicate())[0])
    p = await asyncio.create_subprocess_shell('echo a b | /usr/bin/wc -w', stdout=subprocess.PIPE)
    out.append((await p.communicate())[0].strip())
    out.append(await asyncio.to_thread(lambda: threading.current_thread() is threading.main_thread()))
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    loop.add_signal_handler(signal.SIGUSR1, fut.set_result, 'signal')
    os.kill(os.getpid(), signal.SIGUSR1)
    out.append(await fut)
    return out
print(asyncio.run(main()))
a, b = socket.socketpair(); a.send(b'u'); print(b.recv(1))
d = tempfile.mkdtemp(); open(d + '/f', 'w').write('x'); shutil.copy2(d + '/f', d + '/g'); shutil.rmtree(d)
pid = os.fork()
if pid == 0:
    os._exit(7)
print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), os.isatty(0), 'seccomp' in sys.modules)
try:
    import seccomp
except ImportError:
    print('no seccomp module', '/usr/lib/python3/dist-packages' in sys.path)
'''}, timeout=40)
    assert r['status'] == 'ok', r
    assert r['stdout'] == ("[b'hi\\n', b'hi\\n', b'42\\n', b'2', False, 'signal']\nb'u'\n7 False False\n"
                           "no seccomp module False\n"), r


X32_GETPID = r'''
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
print('returned', libc.syscall(0x40000000 + 39), flush=True)    # x32 ABI getpid
'''


@pytest.mark.skipif(os.uname().machine != 'x86_64', reason='the x32 ABI is x86_64 only')
def test_x32_abi_kills(no_leftovers, backend):
    r = backend.request({'mode': 'run', 'code': X32_GETPID}, timeout=40)
    assert r['status'] == 'killed' and 'returned' not in r['stdout'], r
    code = 'import asyncio\nasync def fetch_all(fetch, items):\n' + \
        ''.join('    ' + line + '\n' for line in X32_GETPID.strip().split('\n')) + \
        '    return list(await asyncio.gather(*(fetch(i) for i in items)))\n'
    r = backend.grade('code-fetch-all', code, timeout=40)
    assert r['verdict'] == 'failed' and {t['status'] for t in r['tasks']} == {'killed'}, r


# The trusted modules installed as ./launch's boot does (build_bundle.install), the harness's globals in `g`.
BOOT = ('import sys\nsys.path.insert(0, %r)\nimport build_bundle\n'
        'g = build_bundle.install(*build_bundle.compile_all())\n')


def _harness_main(prelude, *args):
    """Runs the trusted side's main() outside bubblewrap, as `launch` does inside it (python3 -I -S), after
    `prelude` changed its globals (`g`). stdin is empty, so a harness that starts answers one error and exits 0.
    main() ends with sweep(), a kill(-1, SIGKILL) meant for the sandbox's pid namespace: here it is stubbed out,
    and the process runs in a pid namespace of its own anyway, so that even a regression cannot reach the host."""
    boot = (BOOT + 'g["sweep"] = lambda: None\n%s\n'
            'g["main"]()\n') % (GRADER, prelude)
    return subprocess.run(['/usr/bin/unshare', '--pid', '--fork', '--kill-child',
                           '/usr/bin/python3', '-I', '-S', '-B', '-c', boot] + list(args), stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=60)


@pytest.mark.parametrize('how', ['unknown arch', 'no seccomp module', 'serve mode'])
def test_refuses_to_start_unfiltered(how):
    prelude = {'unknown arch': 'g["SECCOMP_ARCHES"].clear()',
               'no seccomp module': 'g["SECCOMP_PATH"] = "/nonexistent"',
               'serve mode': 'g["SECCOMP_ARCHES"].clear()'}[how]
    p = _harness_main(prelude, *(['--serve', '0'] if how == 'serve mode' else []))
    assert p.returncode == 5, (p.returncode, p.stdout, p.stderr)
    assert b'ready' not in p.stdout, p.stdout
    assert p.stderr.startswith(b'grader: refusing to start without a seccomp filter: '), p.stderr
    assert (b'unknown architecture' if how != 'no seccomp module' else b'cannot import seccomp') in p.stderr


def test_starts_with_the_filter():
    """The same seam, unchanged: main() starts and answers (so the refusals above are the check's doing)."""
    p = _harness_main('')
    assert p.returncode == 0 and p.stdout.startswith(b'{"ready": true}\n'), (p.returncode, p.stdout, p.stderr)


def test_foreign_arch_refused():
    """_seccomp_filter() with an AUDIT_ARCH value that is not the machine's (i386 here) refuses too."""
    boot = (BOOT + 'g["_seccomp_filter"](0x40000003)\n') % GRADER
    p = subprocess.run(['/usr/bin/python3', '-I', '-S', '-B', '-c', boot], capture_output=True, timeout=60)
    assert p.returncode == 5 and b'unknown architecture 0x40000003' in p.stderr, p
