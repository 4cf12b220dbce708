# The top of the trusted grader: the wire protocol, the one-shot main() and the zygote (serving mode). Runs inside
# bubblewrap (see ./launch), as the sandbox's root, above the layers grader_limits ... grader_judge.
#
# One process per sandbox, the "parent": it owns the virtual clock, the expected values and
# the verdicts. For each submission it forks an untrusted "child" that drops to its own uid,
# runs the submission on an asyncio loop whose clock is virtual, and reaches fetch/op/store/
# connect only through messages to the parent over a SOCK_SEQPACKET socket. Results of the
# calls are random tokens made by the parent after the fork. Verdicts rest only on what the
# parent observes (its clock, its trace of calls, the loop thread's /proc scheduler figures).
#
# Nothing of grader/ is importable by path inside the sandbox: ./launch hands python the bundle (every module
# compiled, and the question data) on fd 3, which is closed before any fork.
import sys
sys.modules['ssl'] = None          # nothing in the sandbox may use TLS; skips a costly import
sys.dont_write_bytecode = True
import os, json, time, signal, resource, selectors, socket, select, heapq, types, inspect
import threading, asyncio, traceback, fcntl, struct, gc, re, stat as _stat
import grader_limits as L
import grader_seccomp
from grader_limits import display_text, sweep, _NR, _set_dumpable_0
from grader_limits import _rmono, _dumps, _clean, _fmt
from grader_seccomp import SECCOMP_ARCHES, SECCOMP_PATH
from grader_child import _warm_up
from grader_observe import Killed, run_program
from grader_judge import grade, load_bank


def _seccomp_filter(arch=None):
    """The child's filter (grader_seccomp), built with this module's SECCOMP_PATH and SECCOMP_ARCHES."""
    return grader_seccomp._seccomp_filter(arch, SECCOMP_PATH, SECCOMP_ARCHES)
def _load_questions():
    """The question data, from the bundle (code_questions.json): {id: Question}. Closes fds 3 and 4."""
    data = globals().pop('_DATA', None) or {}
    for fd in (3, 4):
        try:
            os.close(fd)
        except OSError:
            pass
    return load_bank(data['bank'])


def answer(QUESTIONS, line):
    """One request line -> its response object (the same in both modes)."""
    try:
        req = json.loads(line)
        if type(req) is not dict:
            raise ValueError
    except (ValueError, RecursionError):
        return {'verdict': 'error', 'score': 0, 'message': 'The grader could not read the request.', 'tasks': []}
    mode = req.get('mode')
    try:
        if mode == 'grade':
            return grade(QUESTIONS, req)
        if mode == 'run':
            return run_program(req)
        if mode == 'list':
            return {'questions': list(QUESTIONS)}
        return {'verdict': 'error', 'score': 0, 'message': 'Unknown mode %r.' % (mode,), 'tasks': []}
    except Exception as e:
        return {'verdict': 'error', 'score': 0, 'tasks': [],
                'message': 'The grader failed: %s: %s' % (type(e).__name__, e)}


MAX_ANSWER = 512 << 10            # bytes of one answer line; the server reads at most 1 MiB (SandboxProcess.swift)


def encode_answer(resp):
    """The answer line (UTF-8 JSON and a newline), never over MAX_ANSWER. Everything in it is bounded already (trace
    entries, messages, output); should it still be too long, the traces and outputs go first, and then the tasks'
    details, and the verdict says why: what the child sent is its fault, never the grader's."""
    data = (json.dumps(_clean(resp), ensure_ascii=False) + '\n').encode()
    if len(data) <= MAX_ANSWER:
        return data
    tasks = resp.get('tasks') if type(resp.get('tasks')) is list else []
    for t in tasks:
        t['trace'] = t.get('trace', [])[:20]
        t.pop('output', None)
    data = (json.dumps(_clean(resp), ensure_ascii=False) + '\n').encode()
    if len(data) <= MAX_ANSWER:
        return data
    msg = 'The answer about this program was over %d KB; its details were left out.' % (MAX_ANSWER >> 10)
    short = {'verdict': 'failed' if resp.get('verdict') != 'error' else 'error', 'score': 0, 'message': msg,
             'tasks': [{'name': display_text(t.get('name'), 80), 'status': 'output_limit', 'message': msg,
                        'elapsed': None, 'trace': []} for t in tasks[:50]]}
    if 'status' in resp:
        short.update({'status': 'output_limit', 'exit_code': None, 'stdout': '', 'stderr': msg})
    return (json.dumps(short, ensure_ascii=False) + '\n').encode()


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def main():
    if not _NR:
        os.write(2, b'grader: unknown architecture %s: refusing to grade without reading /proc\n'
                 % os.uname().machine.encode())
        os._exit(3)
    QUESTIONS = _load_questions()
    _set_dumpable_0()
    _warm_up()
    grader_seccomp._SECCOMP = grader_seccomp._seccomp_compile(_seccomp_filter())
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    if len(sys.argv) > 1 and sys.argv[1] == '--serve':
        serve(QUESTIONS, sys.argv[2] if len(sys.argv) > 2 else '')
    os.write(1, b'{"ready": true}\n')
    line = b''
    while not line.endswith(b'\n'):
        chunk = os.read(0, 1 << 20)
        if not chunk:
            break
        line += chunk
        if len(line) > 4 << 20:
            break
    resp = answer(QUESTIONS, line)
    sweep()
    _write_all(1, encode_answer(resp))
    os._exit(0)


# ----------------------------------------------------------------------------------------
# Serving mode (`launch --serve`): this process is the zygote. It never reads stdin and never
# holds a request: for each request it forks a worker P as init of a new pid namespace
# (unshare(CLONE_NEWPID) before the fork, setns back to its own after). P makes its own mount
# (fresh /proc and /tmp), network (own loopback), IPC and UTS namespaces, takes a uid of its
# own, reads exactly one request line, answers it like the one-shot parent, and exits: the
# kernel then kills everything left in its pid namespace. The zygote waits for P (and
# everything under it) before the next fork.
# ----------------------------------------------------------------------------------------

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 2, 4, 8, 0x4000, 1 << 18
PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 1, 36
WORKER_LIMIT = 45.0               # real seconds for one request after it was read (the harness's own limits are lower)
MAX_LINE = 4 << 20                # a longer request line is read to its end, dropped, and answered with an error
SERVE_UID_BASE = 1000000          # serve-mode uids: BASE + (tag % 2**22) * 256 + (request number % 256)
ZYGOTE_ERROR = {'verdict': 'error', 'score': 0, 'tasks': [], 'status': 'error', 'exit_code': None,
                'stdout': '', 'stderr': '', 'message': ''}


def _libc_check(r, what):
    if r != 0 and r is not None:
        import ctypes
        e = ctypes.get_errno()
        raise OSError(e, '%s: %s' % (what, os.strerror(e)))


def serve_uid(tag, n):
    return SERVE_UID_BASE + (tag % (1 << 22)) * 256 + n % 256


def _zygote_line(message):
    d = dict(ZYGOTE_ERROR)
    d['message'] = message
    d['stderr'] = message
    return (json.dumps(d) + '\n').encode()


def serve(QUESTIONS, tag):
    """The zygote's loop. Status bytes from P on a per-request pipe: R = request read, A = about to
    answer, E = end of input. Nothing else ever crosses from a worker to the zygote."""
    try:
        tag = int(tag)
    except ValueError:
        tag = int.from_bytes(os.urandom(3), 'little')
    L._LIBC.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    own_pidns = os.open('/proc/self/ns/pid', os.O_RDONLY | os.O_CLOEXEC)
    _prepare_tee()
    import gc
    gc.collect()
    gc.freeze()                   # fewer copy-on-write faults in each fork
    os.write(1, b'{"ready": true}\n')
    n = 0
    while True:
        n += 1
        st_r, st_w = os.pipe()
        # the next child is init of a new pid namespace; then back to our own for the children after it
        _libc_check(L._LIBC.unshare(CLONE_NEWPID), 'unshare(pid)')
        pid = os.fork()
        if pid == 0:
            try:
                os.close(st_r)
                os.close(own_pidns)
                _request(QUESTIONS, serve_uid(tag, n), st_w)
            finally:
                os._exit(71)
        _libc_check(L._LIBC.setns(own_pidns, CLONE_NEWPID), 'setns(pid)')
        os.close(st_w)
        pfd = os.pidfd_open(pid)
        pl = select.poll()
        pl.register(pfd, select.POLLIN)
        pl.register(st_r, select.POLLIN)
        status = b''
        deadline = None
        killed = False
        pipe_open = True
        while True:
            if deadline is None:
                timeout = None
            else:
                timeout = max(0, int((deadline - _rmono()) * 1000))
            evs = pl.poll(timeout)
            if not evs and deadline is not None and _rmono() >= deadline:
                killed = True
                break
            done = False
            for fd, ev in evs:
                if fd == st_r:
                    b = os.read(st_r, 64)
                    if not b:
                        pl.unregister(st_r)
                        pipe_open = False
                    status += b
                    if b'R' in status and deadline is None:
                        deadline = _rmono() + WORKER_LIMIT
                else:
                    done = True
            if done:
                break
        # P has exited (or is late): end everything under the zygote, reap it all
        sweep()
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
        while True:
            try:
                os.waitpid(-1, 0)
            except ChildProcessError:
                break
        if pipe_open:
            os.set_blocking(st_r, False)
            try:
                status += os.read(st_r, 64)
            except OSError:
                pass
        os.close(st_r)
        os.close(pfd)
        if b'A' in status:
            continue
        if b'E' in status:
            os._exit(0)
        if b'R' not in status:
            # the worker ended before it had read a request: answering would put the protocol out of step
            os.write(2, b'grader: a worker failed before reading its request; the zygote stops\n')
            os._exit(4)
        if killed:
            msg = 'The grader did not answer in %d s; the request was stopped.' % WORKER_LIMIT
        else:
            msg = 'The grader failed on this request (its worker ended without an answer).'
        try:
            _write_all(1, _zygote_line(msg))
        except OSError:
            os._exit(0)


def _lo_up():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        ifr = fcntl.ioctl(s, 0x8913, struct.pack('16sH22x', b'lo', 0))          # SIOCGIFFLAGS
        flags = struct.unpack('16sH22x', ifr)[1]
        fcntl.ioctl(s, 0x8914, struct.pack('16sH22x', b'lo', flags | 1))        # SIOCSIFFLAGS |= IFF_UP
    finally:
        s.close()


def _isolate(uid):
    """P, as init of its fresh pid namespace: the rest of the per-request isolation."""
    _libc_check(L._LIBC.unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS), 'unshare')
    _libc_check(L._LIBC.mount(None, b'/', None, MS_REC | MS_PRIVATE, None), 'mount --make-rprivate /')
    _libc_check(L._LIBC.mount(b'proc', b'/proc', b'proc', MS_NOSUID | MS_NODEV | MS_NOEXEC, None), 'mount /proc')
    _libc_check(L._LIBC.mount(b'tmpfs', b'/tmp', b'tmpfs', MS_NOSUID | MS_NODEV, b'size=33554432,mode=1777'),
                'mount /tmp')
    os.chdir('/tmp')
    _lo_up()
    L.SANDBOX_UID = uid


def _request(QUESTIONS, uid, st_w):
    """P, the worker: isolate, read exactly one line, answer it, exit (its pid namespace dies with it)."""
    L._LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    os.set_inheritable(st_w, False)
    err = None
    try:
        _isolate(uid)
    except BaseException as e:
        err = '%s: %s' % (type(e).__name__, e)
    line, too_long = read_line_exact(0)
    if not line:
        os.write(st_w, b'E')
        os._exit(0)
    os.write(st_w, b'R')
    if err is not None:
        resp = {'verdict': 'error', 'score': 0, 'tasks': [], 'message': 'The grader could not isolate this request (%s).' % err}
    elif too_long:
        resp = {'verdict': 'error', 'score': 0, 'tasks': [], 'message': 'The request is larger than %d MB.' % (MAX_LINE >> 20)}
    else:
        resp = answer(QUESTIONS, line)
    del line
    sweep()
    data = encode_answer(resp)
    os.write(st_w, b'A')
    try:
        _write_all(1, data)
    except OSError:
        pass
    os._exit(0)


def _prepare_tee():
    import ctypes
    tee = L._LIBC.tee
    tee.restype = ctypes.c_ssize_t
    tee.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_size_t, ctypes.c_uint]
    return tee


def read_line_exact(fd):
    """Read one line from fd, up to and including its newline and never a byte more.
    Pipe: tee(2) peeks at what is buffered; socket: MSG_PEEK; anything else: a byte at a time.
    Returns (line, too_long); a line longer than MAX_LINE is consumed to its end but not kept."""
    import ctypes
    mode = os.fstat(fd).st_mode
    buf = bytearray()
    total = 0
    if _stat.S_ISFIFO(mode):
        tee = _prepare_tee()
        pr, pw = os.pipe()
        try:
            while True:
                k = tee(fd, pw, 1 << 16, 0)
                if k < 0:
                    e = ctypes.get_errno()
                    if e == 4:                 # EINTR
                        continue
                    raise OSError(e, 'tee')
                if k == 0:
                    break                      # end of input
                peek = b''
                while len(peek) < k:
                    peek += os.read(pr, k - len(peek))
                i = peek.find(b'\n')
                want = k if i < 0 else i + 1
                got = 0
                while got < want:
                    chunk = os.read(fd, want - got)
                    if not chunk:
                        break
                    got += len(chunk)
                    total += len(chunk)
                    if total <= MAX_LINE:
                        buf += chunk
                if i >= 0:
                    break
        finally:
            os.close(pr)
            os.close(pw)
    elif _stat.S_ISSOCK(mode):
        s = socket.socket(fileno=os.dup(fd))
        try:
            while True:
                peek = s.recv(1 << 16, socket.MSG_PEEK)
                if not peek:
                    break
                i = peek.find(b'\n')
                chunk = s.recv(len(peek) if i < 0 else i + 1)
                total += len(chunk)
                if total <= MAX_LINE:
                    buf += chunk
                if i >= 0 and len(chunk) == i + 1:
                    break
        finally:
            s.close()
    else:
        while True:
            c = os.read(fd, 1)
            if not c:
                break
            total += 1
            if total <= MAX_LINE:
                buf += c
            if c == b'\n':
                break
    return bytes(buf), total > MAX_LINE


if __name__ == '__main__':
    main()
