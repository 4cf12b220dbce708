# The trusted grading harness. Runs inside bubblewrap (see ./launch), as the sandbox's root.
#
# One process per sandbox, the "parent": it owns the virtual clock, the expected values and
# the verdicts. For each submission it forks an untrusted "child" that drops to its own uid,
# runs the submission on an asyncio loop whose clock is virtual, and reaches fetch/op/store/
# connect only through messages to the parent over a SOCK_SEQPACKET socket. Results of the
# calls are random tokens made by the parent after the fork. Verdicts rest only on what the
# parent observes (its clock, its trace of calls, the loop thread's /proc scheduler figures).
#
# This file is not importable by path inside the sandbox: ./launch hands it to python on fd 3
# and the task definitions (tasks/questions.py) on fd 4; both fds are closed before any fork.
import sys
sys.modules['ssl'] = None          # nothing in the sandbox may use TLS; skips a costly import
sys.dont_write_bytecode = True
import os, json, time, signal, resource, selectors, socket, select, heapq, types, inspect
import threading, asyncio, traceback, fcntl, struct, gc, re, stat as _stat

_rmono = time.monotonic           # real clocks, saved before the child patches `time`
_rtime = time.time

MAX_OUT = 1 << 20                 # captured stdout+stderr of a submission before output_limit
RUN_STDOUT_CAP = 64 * 1024
BLOCK_LIMIT = 0.100               # one loop step busy this long (s, non-runqueue) = blocked_loop
TASK_REAL_LIMIT = 3.0             # real seconds for one example task
GRADE_REAL_LIMIT = 8.0            # real seconds for a whole grading
LOAD_REAL_LIMIT = 3.0             # real seconds to load (exec) the submission
MEM_TOTAL_LIMIT = 1 << 30         # sum of RSS of all sandbox processes
EXIT_MEMORY = 86                  # child exit code after a MemoryError

CHILD_LIMITS = [
    (resource.RLIMIT_AS, 512 << 20),
    (resource.RLIMIT_CPU, (4, 5)),
    (resource.RLIMIT_NPROC, 32),
    (resource.RLIMIT_FSIZE, 16 << 20),
    (resource.RLIMIT_NOFILE, 64),
    (resource.RLIMIT_CORE, 0),
    (resource.RLIMIT_STACK, 8 << 20),
]


def _dumps(obj):
    return json.dumps(obj, separators=(',', ':'), ensure_ascii=False, allow_nan=False)


# ----------------------------------------------------------------------------------------
# The untrusted side (runs only in the forked child, after the uid drop).
# ----------------------------------------------------------------------------------------

class FetchError(Exception):
    pass


class OpError(Exception):
    pass


class ConnectError(Exception):
    pass


_ERRS = {'FetchError': FetchError, 'OpError': OpError, 'ConnectError': ConnectError,
         'ValueError': ValueError, 'RuntimeError': RuntimeError}
_CHAN = object()
RT = None                         # the child's runtime (set in the child only)


ENC_BUDGET = 16 << 10             # characters one encoded value may take: a message stays far under MAX_MSG


def enc(v, depth=0, budget=None):
    """Child side: any value -> JSON-able description, bounded in depth, items and total size."""
    if budget is None:
        budget = [ENC_BUDGET]
    if depth > 6 or budget[0] <= 0:
        return {'$obj': '...', 'repr': '...'}
    budget[0] -= 8
    if v is None or isinstance(v, bool):
        return v
    if type(v) is int:
        return v if abs(v) < 1 << 53 else {'$obj': 'int', 'repr': str(v)[:60]}
    if type(v) is float:
        return v if v == v and v not in (float('inf'), float('-inf')) else {'$obj': 'float', 'repr': repr(v)}
    if type(v) is str:
        s = v[:max(0, min(2000, budget[0]))]
        budget[0] -= len(s)
        return s
    if type(v) in (list, tuple):
        out = [enc(x, depth + 1, budget) for x in v[:200]]
        return out if type(v) is list else {'$tuple': out}
    if type(v) is dict:
        return {'$dict': [[enc(k, depth + 1, budget), enc(x, depth + 1, budget)] for k, x in list(v.items())[:200]]}
    if isinstance(v, BaseException):
        return {'$exc': type(v).__name__[:80], 'msg': _safe_str(v)[:500]}
    if isinstance(v, Conn):
        return {'$conn': v._cid}
    try:
        r = repr(v)[:200]
    except BaseException:
        r = '?'
    budget[0] -= len(r)
    return {'$obj': type(v).__name__[:80], 'repr': r}


def _safe_str(e):
    try:
        return str(e)
    except BaseException:
        return '?'


def _sub_line(tb):
    """The last line of the submission in a traceback, or None."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == '<submission>':
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def enc_exc(e):
    d = {'$exc': type(e).__name__[:80], 'msg': _safe_str(e)[:500]}
    try:
        d['line'] = _sub_line(e.__traceback__)
        if isinstance(e, BaseExceptionGroup):
            d['sub'] = [enc_exc(x) for x in e.exceptions[:10]]
    except BaseException:
        pass
    return d


class Runtime:
    def __init__(self, fd, standalone=False):
        self.sock = socket.socket(fileno=fd) if fd is not None else None
        if self.sock is not None:
            self.sock.setblocking(False)
        self.standalone = standalone
        self.now = 0.0
        self.calls = {}
        self.bwait = {}
        self.bgot = {}
        self.nid = 0
        self.loop = None
        self.jobs = 0
        self.spin = 0
        self.last_step = 0.0
        self.lock = threading.Lock()

    def send(self, obj):
        # ASCII escapes: text with lone surrogates (str(e) of any exception) must not stop the runtime's own message
        data = json.dumps(obj, separators=(',', ':'), allow_nan=False).encode()
        while True:
            try:
                self.sock.send(data)
                break
            except BlockingIOError:
                select.select([], [self.sock], [], 1.0)

    def recv_block(self):
        while True:
            try:
                data = self.sock.recv(1 << 20)
            except BlockingIOError:
                select.select([self.sock], [], [], None)
                continue
            if not data:
                os._exit(0)
            return json.loads(data)

    def drain(self):
        got_adv = False
        while True:
            try:
                data = self.sock.recv(1 << 20)
            except BlockingIOError:
                return got_adv
            if not data:
                os._exit(0)
            msg = json.loads(data)
            k = msg['k']
            if k == 'adv':
                got_adv = True
                self.now = msg['t']
                for cid, ok, val in msg['d']:
                    fut = self.calls.pop(cid, None)
                    if fut is None or fut.done():
                        continue
                    if ok:
                        fut.set_result(dec(val))
                    else:
                        fut.set_exception(_ERRS.get(val[0], RuntimeError)(val[1]))
            elif k == 'ping':
                self.send({'k': 'pong'})

    def new_id(self):
        with self.lock:
            self.nid += 1
            return self.nid

    def busy(self):
        """Standalone loops only (top-level asyncio.run while loading, run mode): is some other thread of this
        process doing work? The grading parent never asks the child this: it reads /proc itself (`Watch`)."""
        if self.jobs > 0:
            return True, 0
        try:
            tids = os.listdir('/proc/self/task')
        except OSError:
            return False, 1
        if len(tids) <= 1:
            return False, 1
        me = str(os.getpid())
        for tid in tids:
            if tid == me:
                continue
            try:
                with open('/proc/self/task/%s/stat' % tid) as f:
                    st = f.read().rsplit(')', 1)[1].split()[0]
                if st in 'RD':
                    return True, len(tids)
                with open('/proc/self/task/%s/syscall' % tid) as f:
                    nr = f.read().split()[0]
                if nr in ('35', '230'):        # nanosleep, clock_nanosleep: time.sleep
                    return True, len(tids)
            except (OSError, IndexError):
                pass
        return False, len(tids)


def dec(v):
    """Child side: parent's JSON value -> Python value."""
    if type(v) is dict:
        if '$conn' in v:
            return Conn(v['$conn'])
        if '$tuple' in v:
            return tuple(dec(x) for x in v['$tuple'])
    if type(v) is list:
        return [dec(x) for x in v]
    return v


class VSelector(selectors.BaseSelector):
    """Wraps epoll: the loop's waits become 'idle' reports to the parent, never real sleeps."""

    def __init__(self, rt):
        self.rt = rt
        self.sel = selectors.EpollSelector()
        if rt.sock is not None:
            self.sel.register(rt.sock, selectors.EVENT_READ, _CHAN)

    def register(self, fileobj, events, data=None):
        return self.sel.register(fileobj, events, data)

    def unregister(self, fileobj):
        return self.sel.unregister(fileobj)

    def modify(self, fileobj, events, data=None):
        return self.sel.modify(fileobj, events, data)

    def get_map(self):
        return self.sel.get_map()

    def close(self):
        self.sel.close()

    def _filter(self, ev):
        out = []
        for key, mask in ev:
            if key.data is _CHAN:
                self.rt.drain()
            else:
                out.append((key, mask))
        return out

    def select(self, timeout=None):
        rt = self.rt
        if timeout is not None and timeout <= 0:
            rt.spin += 1
            if rt.spin < 2000:
                nowr = _rmono()
                if nowr - rt.last_step > 0.01:
                    rt.last_step = nowr
                    try:
                        os.read(0, 0)     # /dev/null: the kernel counts this read for this thread alone (syscr in
                    except OSError:       # /proc/PID/task/TID/io): the parent's sign that the loop takes steps
                        pass
                return self._filter(self.sel.select(0))
            spinning = True
        else:
            spinning = False
        rt.spin = 0
        sch = rt.loop._scheduled
        nxt = sch[0]._when if sch else None
        if rt.standalone:
            busy, nth = rt.busy()
            if busy:
                return self._filter(self.sel.select(0.002))
            ev = self.sel.select(0)
            if ev or spinning:
                return self._filter(ev)
            if nxt is None:
                return self._filter(self.sel.select(None))
            rt.now = max(rt.now, nxt)
            return []
        # The parent acts on this only once it sees this thread blocked below, in epoll_wait on an epoll that
        # watches the channel, with every message it sent read (`Watch.loop_idle`). `next` is a request (wake me
        # at this virtual time), not evidence; a loop that polls with sleep(0) also waits here every 2000 steps.
        rt.send({'k': 'idle', 'next': nxt, 'ready': spinning})
        return self._filter(self.sel.select(None))


class VLoop(asyncio.SelectorEventLoop):
    def __init__(self, rt):
        self._rt = rt
        super().__init__(VSelector(rt))
        rt.loop = self

    def time(self):
        return self._rt.now

    def run_in_executor(self, executor, func, *args):
        fut = super().run_in_executor(executor, func, *args)
        self._rt.jobs += 1
        fut.add_done_callback(self._job_done)
        return fut

    def _job_done(self, fut):
        self._rt.jobs -= 1


class VPolicy(asyncio.DefaultEventLoopPolicy):
    def __init__(self, rt):
        super().__init__()
        self._rt = rt

    def new_event_loop(self):
        return VLoop(self._rt)


def _patch_time(rt):
    base_m = _rmono()
    base_w = _rtime()
    time.monotonic = lambda: base_m + rt.now
    time.perf_counter = lambda: base_m + rt.now
    time.time = lambda: base_w + rt.now
    time.monotonic_ns = lambda: int((base_m + rt.now) * 1e9)
    time.perf_counter_ns = lambda: int((base_m + rt.now) * 1e9)
    time.time_ns = lambda: int((base_w + rt.now) * 1e9)


# --- proxies for the grader's services, as the submission sees them ---

async def _pcall(fn, args):
    rt = RT
    cid = rt.new_id()
    fut = rt.loop.create_future()
    rt.calls[cid] = fut
    rt.send({'k': 'call', 'id': cid, 'fn': fn, 'a': args})
    try:
        return await fut
    except asyncio.CancelledError:
        if rt.calls.pop(cid, None) is not None:
            rt.send({'k': 'cancel', 'id': cid})
        raise


async def fetch(item):
    """Fetch one item (the grader decides how long it takes and what it returns)."""
    return await _pcall('fetch', [enc(item)])


async def op():
    """One attempt of an operation that may fail."""
    return await _pcall('op', [])


async def connect():
    """Open a connection; close it with `await conn.close()`."""
    return await _pcall('connect', [])


class Conn:
    def __init__(self, cid):
        self._cid = cid

    async def close(self):
        return await _pcall('close', [self._cid])

    async def query(self, q):
        return await _pcall('query', [self._cid, enc(q)])

    def __repr__(self):
        return '<Connection %s>' % self._cid


class Store:
    def __init__(self, sid):
        self._sid = sid

    async def get(self):
        return await _pcall('get', [self._sid])

    async def set(self, value):
        return await _pcall('set', [self._sid, enc(value)])

    def __repr__(self):
        return '<Store>'


def work(*args):
    """A blocking function: it blocks its thread in a read on fd 4 (the parent's blocking channel) until the grader
    answers. The parent sees which threads wait there in /proc, so it knows whether the loop's own thread called it.
    Every caller reads exactly one answer; an answer meant for another call is handed to that call's thread."""
    rt = RT
    bid = rt.new_id()
    ev = threading.Event()
    with rt.lock:
        rt.bwait[bid] = ev
    rt.send({'k': 'bstart', 'id': bid, 'a': enc(list(args))})
    data = os.read(4, 1 << 16)
    if not data:
        os._exit(0)
    msg = json.loads(data)
    with rt.lock:
        rt.bgot[msg['id']] = dec(msg['v'])
        other = rt.bwait.get(msg['id'])
    if other is not None:
        other.set()
    ev.wait()
    with rt.lock:
        rt.bwait.pop(bid, None)
        value = rt.bgot.pop(bid, None)
    rt.send({'k': 'bend', 'id': bid})
    return value


def _proxy(v):
    if type(v) is dict and '$p' in v:
        p = v['$p']
        if p == 'fetch':
            return fetch
        if p == 'op':
            return op
        if p == 'connect':
            return connect
        if p == 'work':
            return work
        if p == 'store':
            return Store(v['id'])
    if type(v) is dict and '$tuple' in v:
        return tuple(_proxy(x) for x in v['$tuple'])
    if type(v) is list:
        return [_proxy(x) for x in v]
    return v


def emit(v):
    RT.send({'k': 'emit', 'v': enc(v)})


# --- drivers: how a task uses the submission (child side) ---

async def d_call(entry, args, o):
    return await entry(*args)


async def d_agen(entry, args, o):
    n = 0
    async for v in entry(*args):
        emit(v)
        n += 1
        if n > 1000:
            break
    return n


async def d_counter(entry, args, o):
    counters = [entry(s) for s in args]
    await asyncio.gather(*[c.increment() for c in counters for _ in range(o['n'])])


async def d_managed(entry, args, o):
    body = o['body']
    holder = {}

    async def use():
        async with entry(*args) as conn:
            emit(['bound', conn])
            if body == 'query':
                emit(['query', await conn.query('ping')])
            await asyncio.sleep(o.get('sleep', 1.0))
            if body == 'raise':
                raise ValueError(o['token'])
        return 'body-done'
    if body == 'cancel':
        t = asyncio.ensure_future(use())
        await asyncio.sleep(o['cancel_at'])
        t.cancel()
        try:
            await t
        except asyncio.CancelledError:
            return 'cancelled'
        return 'not-cancelled'
    return await use()


async def d_timer(entry, args, o):
    t = entry()
    out = []
    try:
        async with t as bound:
            out.append(bound is t)
            await asyncio.sleep(o['sleep'])
            if o.get('raise'):
                raise ValueError(o['token'])
    finally:
        emit(['elapsed', getattr(t, 'elapsed', None)])
    return out


async def d_countdown(entry, args, o):
    n = 0
    async for v in entry(*args):
        emit(v)
        n += 1
        if n > 1000:
            break
    return n


async def d_dedup(entry, args, o):
    cache = entry(*args)

    async def one(i, at, item):
        if at:
            await asyncio.sleep(at)
        v = await cache.get(item)
        emit([i, v])
        return v
    return await asyncio.gather(*[one(i, at, item) for i, (at, item) in enumerate(o['gets'])])


async def d_queue(entry, args, o):
    q = asyncio.Queue()
    results = []

    async def producer():
        for at, item in o['arrivals']:
            await asyncio.sleep(at)
            await q.put(item)
        await q.put(None)
    prod = asyncio.ensure_future(producer())
    r = await entry(q, *args)
    await prod
    return r


async def d_gather(entry, args, o):
    return await asyncio.gather(*[entry(work, *a) for a in o['calls']])


DRIVERS = {'gather': d_gather, 'call': d_call, 'agen': d_agen, 'counter': d_counter, 'managed': d_managed,
           'timer': d_timer, 'countdown': d_countdown, 'dedup': d_dedup, 'queue': d_queue}


async def _run_task(entry, spec):
    rt = RT
    me = asyncio.current_task()
    try:
        r = await DRIVERS[spec['driver']](entry, _proxy(spec['args']), spec.get('opts') or {})
        try:
            v = enc(r)
        except BaseException:
            v = {'$obj': '?', 'repr': '?'}
        msg = {'k': 'done', 'ok': True, 'v': v}
    except MemoryError:
        os._exit(EXIT_MEMORY)
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as e:
        msg = {'k': 'done', 'ok': False, 'e': enc_exc(e)}
    # cancellations the submission requested just before returning take effect now (no time passes)
    for _ in range(3):
        await asyncio.sleep(0)
    rt.send(msg)
    # clean up what the submission left behind, on the same virtual clock
    others = [t for t in asyncio.all_tasks() if t is not me]
    for t in others:
        t.cancel()
    dirty = False
    if others:
        done, pending = await asyncio.wait(others, timeout=5.0)
        dirty = bool(pending)
    try:
        await asyncio.wait_for(rt.loop.shutdown_asyncgens(), 1.0)
    except BaseException:
        dirty = True
    return dirty


# seccomp: an ALLOW-list built with libseccomp (Debian's python3-seccomp), which names syscalls and knows each
# architecture's numbers. The parent builds it once in main() (after its imports and warm-up, before any fork);
# each untrusted child loads it in _child_setup() after its uid and rlimits are set, and everything the child runs
# afterwards (its threads, os.fork children, exec'd programs such as /usr/bin/python3) inherits it. Every syscall
# not allowed below fails with EPERM; clone3 fails with ENOSYS (so glibc falls back to clone, whose flags the
# filter can read); a syscall through a foreign ABI (i386 `int 0x80` or x32 on x86_64, AArch32 on aarch64) kills
# the whole process (libseccomp's bad-arch action, set to KILL_PROCESS). No filter, no grading: the harness refuses
# to start if `seccomp` cannot be imported, if the machine's architecture is not in SECCOMP_ARCHES, or if building
# the filter fails; a child whose load() fails exits 72 before it runs anything.
#
# What is allowed, and why (CPython 3.11, asyncio, threads, executors, loopback streams, fork/exec of programs):
SECCOMP_ALLOW = (
    # memory: the allocator, the loader, ctypes/libffi closures (PROT_EXEC), mmap.mmap
    'brk', 'mmap', 'munmap', 'mremap', 'mprotect', 'madvise', 'msync',
    # files and fds: the loader and importer, io/os, shutil (sendfile, copy_file_range, the xattr reads of
    # copy2), tempfile, os.mkfifo (mknodat: fifos and plain files only, device nodes need a capability), the
    # harness's capture pipes, /proc reads
    'read', 'write', 'readv', 'writev', 'pread64', 'pwrite64', 'preadv', 'pwritev', 'preadv2', 'pwritev2',
    'open', 'openat', 'creat', 'close', 'close_range', 'lseek', 'dup', 'dup2', 'dup3', 'pipe', 'pipe2',
    'stat', 'fstat', 'lstat', 'newfstatat', 'statx', 'statfs', 'fstatfs', 'access', 'faccessat', 'faccessat2',
    'readlink', 'readlinkat', 'getdents', 'getdents64', 'getcwd', 'chdir', 'fchdir', 'umask',
    'fcntl', 'flock', 'fsync', 'fdatasync', 'truncate', 'ftruncate', 'fallocate', 'fadvise64',
    'mkdir', 'mkdirat', 'rmdir', 'unlink', 'unlinkat', 'rename', 'renameat', 'renameat2',
    'link', 'linkat', 'symlink', 'symlinkat', 'chmod', 'fchmod', 'fchmodat', 'mknod', 'mknodat',
    'utime', 'utimes', 'utimensat', 'futimesat', 'sendfile', 'copy_file_range',
    'getxattr', 'lgetxattr', 'fgetxattr', 'listxattr', 'llistxattr', 'flistxattr',
    # waiting: selectors/asyncio (epoll, poll, select), locks and thread joins (futex), sleeps and clocks
    'poll', 'ppoll', 'select', 'pselect6', 'epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_wait',
    'epoll_pwait', 'epoll_pwait2', 'futex', 'nanosleep', 'clock_nanosleep', 'clock_gettime', 'clock_getres',
    'gettimeofday', 'time', 'sched_yield',
    # threads and processes: pthread_create and fork are clone (argument-filtered, below); subprocess uses vfork
    # or fork, then execve; waits (wait4, waitid, pidfds of asyncio's child watchers); start_new_session and
    # process_group (setsid, setpgid); glibc's per-thread set-up (set_tid_address, set_robust_list, rseq,
    # arch_prctl for the TLS on x86_64)
    'fork', 'vfork', 'execve', 'exit', 'exit_group', 'wait4', 'waitid', 'pidfd_open', 'pidfd_send_signal',
    'set_tid_address', 'set_robust_list', 'rseq', 'arch_prctl', 'restart_syscall',
    'setsid', 'setpgid', 'getpgid', 'getpgrp', 'getsid',
    # signals: handlers, masks, the alternate stack (faulthandler), kill/tgkill (only what the uid may signal:
    # its own processes), alarm and itimers, signal.pause/sigwait/sigtimedwait
    'rt_sigaction', 'rt_sigprocmask', 'rt_sigreturn', 'rt_sigpending', 'rt_sigsuspend', 'rt_sigtimedwait',
    'sigaltstack', 'kill', 'tkill', 'tgkill', 'pause', 'alarm', 'getitimer', 'setitimer',
    # identity and limits (read only, except lowering one's own rlimits and priority)
    'getpid', 'getppid', 'gettid', 'getuid', 'geteuid', 'getgid', 'getegid', 'getresuid', 'getresgid',
    'getgroups', 'capget', 'uname', 'sysinfo', 'getrlimit', 'setrlimit', 'prlimit64', 'getrusage', 'times',
    'getpriority', 'setpriority', 'sched_getaffinity', 'sched_getparam', 'sched_getscheduler',
    'sched_get_priority_max', 'sched_get_priority_min', 'getcpu', 'getrandom',
    # sockets (socket() and socketpair() argument-filtered below): asyncio's self-pipe (socketpair), the
    # harness's channel to the parent (fd 3, SOCK_SEQPACKET), loopback streams (start_server, open_connection)
    'bind', 'listen', 'accept', 'accept4', 'connect', 'shutdown', 'getsockname', 'getpeername',
    'getsockopt', 'sendto', 'recvfrom', 'sendmsg', 'recvmsg', 'sendmmsg', 'recvmmsg',
)
# Allowed only with these arguments (the rest of each call gets EPERM):
AF_UNIX, AF_INET, AF_INET6 = 1, 2, 10
SECCOMP_SOCKET_FAMILIES = (AF_UNIX, AF_INET, AF_INET6)   # socket(): no netlink, packet, vsock, alg, bluetooth...
CLONE_NEW_ANY = 0x7E020000   # CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET: clone() without any of them
# ioctl(): isatty (TCGETS), terminal size, FIONREAD, non-blocking and close-on-exec (CPython uses FIONBIO and
# FIOCLEX/FIONCLEX); not TIOCSTI, not any device's or socket's own requests
SECCOMP_IOCTLS = (0x5401, 0x5413, 0x540F, 0x541B, 0x5421, 0x5450, 0x5451)
# prctl(): names and reads only (PR_SET_PDEATHSIG 1, PR_GET_PDEATHSIG 2, PR_GET_DUMPABLE 3, PR_SET_NAME 15,
# PR_GET_NAME 16, PR_GET_SECCOMP 21, PR_CAPBSET_READ 23, PR_GET_NO_NEW_PRIVS 39); not PR_SET_DUMPABLE, PR_SET_MM,
# PR_SET_PTRACER, PR_SET_SECCOMP or any other setting
SECCOMP_PRCTLS = (1, 2, 3, 15, 16, 21, 23, 39)
# setsockopt(): the socket's own options (SOL_SOCKET), IP and IPv6 options, and TCP options below TCP_ULP (31):
# asyncio sets SO_REUSEADDR, IPV6_V6ONLY and TCP_NODELAY; not TCP_ULP (it attaches an upper-layer protocol such as
# kTLS), nor UDP's or any other level's options. Compared for equality or below (on all 64 bits, as libseccomp
# does), so garbage in the upper half of an int argument is denied, never let through.
SECCOMP_SOCKOPT_LEVELS, SOL_TCP, TCP_ULP = (1, 0, 41), 6, 31
# Never allowed (today's deny-list and more; checked disjoint from SECCOMP_ALLOW when the filter is built):
SECCOMP_NEVER = (
    # the kernel keeps a uid's keyring after its processes are gone: a key could carry data to a later
    # submission that gets the same uid
    'add_key', 'request_key', 'keyctl',
    # namespaces: in a user namespace of its own the child holds every capability there, mounts a tmpfs of any
    # size (memory the 1 GB RSS check never sees) and reaches kernel code otherwise closed to it
    'unshare', 'setns', 'clone3',
    # memory outside every process's RSS, so the 1 GB check would not see it (memfds, SysV and POSIX IPC)
    'memfd_create', 'memfd_secret', 'shmget', 'shmat', 'semget', 'msgget', 'mq_open',
    # kernel attack surface no exercise needs
    'io_uring_setup', 'io_uring_enter', 'io_uring_register', 'userfaultfd', 'perf_event_open', 'bpf',
    'io_setup', 'io_submit', 'splice', 'vmsplice', 'tee', 'seccomp', 'landlock_create_ruleset',
    'open_by_handle_at', 'name_to_handle_at', 'fanotify_init', 'modify_ldt', 'personality', 'mbind',
    # other processes and the machine: debugging, mounts, modules, clocks, identity, reboot
    'ptrace', 'process_vm_readv', 'process_vm_writev', 'pidfd_getfd', 'kcmp',
    'mount', 'umount2', 'pivot_root', 'chroot', 'fsopen', 'fsmount', 'move_mount', 'open_tree',
    'init_module', 'finit_module', 'delete_module', 'kexec_load', 'kexec_file_load', 'reboot', 'swapon',
    'swapoff', 'acct', 'syslog', 'settimeofday', 'clock_settime', 'adjtimex', 'sethostname', 'setdomainname',
    'setuid', 'setgid', 'setreuid', 'setregid', 'setresuid', 'setresgid', 'setgroups', 'capset',
    'iopl', 'ioperm', 'quotactl', 'sync', 'syncfs', 'chown', 'fchown', 'lchown', 'fchownat',
)
SECCOMP_ARCHES = {0xC000003E: 'x86_64', 0xC00000B7: 'aarch64'}    # AUDIT_ARCH_*: those whose list was reviewed
SECCOMP_PATH = '/usr/lib/python3/dist-packages'    # python3-seccomp; not on sys.path under `python3 -I -S`
EXIT_NO_SECCOMP = 5
_SECCOMP = None


def _seccomp_refuse(why):
    os.write(2, ('grader: refusing to start without a seccomp filter: %s\n' % why).encode())
    os._exit(EXIT_NO_SECCOMP)


def _seccomp_filter(arch=None):
    """The child's filter, built (not loaded) in the trusted parent; `arch`: the AUDIT_ARCH value to check
    (default: the machine's, from libseccomp). Exits EXIT_NO_SECCOMP rather than return without a filter."""
    import errno
    # Import only `seccomp` from Debian's dist-packages, then put sys.path back as it was: nothing else of
    # dist-packages becomes importable, and the untrusted child (forked later) sees the same path as before.
    saved = list(sys.path)
    try:
        sys.path.insert(0, SECCOMP_PATH)
        import seccomp
    except ImportError as e:
        _seccomp_refuse('cannot import seccomp from %s (Debian package python3-seccomp): %s' % (SECCOMP_PATH, e))
    finally:
        sys.path[:] = saved
        sys.path_importer_cache.pop(SECCOMP_PATH, None)
        sys.modules.pop('seccomp', None)
    try:
        native = seccomp.system_arch() & 0xFFFFFFFF
        if arch is None:
            arch = native
        if arch not in SECCOMP_ARCHES or arch != native:
            _seccomp_refuse('unknown architecture 0x%08x (%s known)' % (arch, ', '.join(SECCOMP_ARCHES.values())))
        if set(SECCOMP_ALLOW) & set(SECCOMP_NEVER):
            _seccomp_refuse('allowed and never allowed: %s' % sorted(set(SECCOMP_ALLOW) & set(SECCOMP_NEVER)))
        f = seccomp.SyscallFilter(seccomp.ERRNO(errno.EPERM))
        f.set_attr(seccomp.Attr.ACT_BADARCH, seccomp.KILL_PROCESS)
        try:
            f.set_attr(seccomp.Attr.CTL_OPTIMIZE, 2)    # a binary tree: shorter paths, ~0.2 ms less to load
        except Exception:
            pass
        for name in SECCOMP_ALLOW:
            f.add_rule(seccomp.ALLOW, name)
        Arg = seccomp.Arg
        for family in SECCOMP_SOCKET_FAMILIES:
            f.add_rule(seccomp.ALLOW, 'socket', Arg(0, seccomp.EQ, family))
        f.add_rule(seccomp.ALLOW, 'socketpair', Arg(0, seccomp.EQ, AF_UNIX))
        for level in SECCOMP_SOCKOPT_LEVELS:
            f.add_rule(seccomp.ALLOW, 'setsockopt', Arg(1, seccomp.EQ, level))
        f.add_rule(seccomp.ALLOW, 'setsockopt', Arg(1, seccomp.EQ, SOL_TCP), Arg(2, seccomp.LT, TCP_ULP))
        f.add_rule(seccomp.ALLOW, 'clone', Arg(0, seccomp.MASKED_EQ, CLONE_NEW_ANY, 0))
        f.add_rule(seccomp.ERRNO(errno.ENOSYS), 'clone3')
        for req in SECCOMP_IOCTLS:
            f.add_rule(seccomp.ALLOW, 'ioctl', Arg(1, seccomp.EQ, req))
        for opt in SECCOMP_PRCTLS:
            f.add_rule(seccomp.ALLOW, 'prctl', Arg(0, seccomp.EQ, opt))
    except SystemExit:
        raise
    except Exception as e:
        _seccomp_refuse('%s: %s' % (type(e).__name__, e))
    return f


def _seccomp_load():
    """In the child, before it runs anything untrusted: load the filter, or exit."""
    try:
        _SECCOMP.load()
    except BaseException:
        os._exit(72)


def _child_setup(chan_fd, out_w, err_w, uid, bchan_fd=None):
    # fds: 0 = /dev/null, 1/2 = capture pipes, 3 = channel, 4 = blocking channel; nothing else survives
    nul = os.open('/dev/null', os.O_RDONLY)
    os.dup2(nul, 0)
    os.dup2(out_w, 1)
    os.dup2(err_w, 2)
    if chan_fd is not None:
        tmp = fcntl.fcntl(bchan_fd, fcntl.F_DUPFD, 100)      # above 3 and 4, whatever the two fds are now
        os.dup2(chan_fd, 3)
        os.dup2(tmp, 4)
        os.close(tmp)
        os.set_inheritable(3, False)
        os.set_inheritable(4, False)
        os.closerange(5, 1 << 16)
    else:
        os.closerange(3, 1 << 16)
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    for lim, val in CHILD_LIMITS:
        if type(val) is tuple:
            resource.setrlimit(lim, val)
        else:
            resource.setrlimit(lim, (val, val))
    if _LIBC is not None:
        _LIBC.prctl(4, 1, 0, 0, 0)   # dumpable again after the uid change: lets it read its own /proc/self/task
    _seccomp_load()
    threading.stack_size(1 << 20)
    os.chdir('/tmp')
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.stdout = open(1, 'w', encoding='utf-8', errors='replace', closefd=False, buffering=1)
    sys.stderr = open(2, 'w', encoding='utf-8', errors='replace', closefd=False, buffering=1)
    for name in list(sys.modules):
        if name == '__main__':
            continue
    sys.setrecursionlimit(2000)


def child_grade(code, entry_name, need):
    global RT
    rt = RT = Runtime(3)
    _patch_time(rt)
    try:
        co = compile(code, '<submission>', 'exec', dont_inherit=True)
    except SyntaxError as e:
        rt.send({'k': 'syntax', 'msg': _safe_str(e.msg), 'line': e.lineno, 'text': (e.text or '').strip()[:200]})
        os._exit(0)
    except (ValueError, MemoryError, RecursionError) as e:
        rt.send({'k': 'syntax', 'msg': type(e).__name__ + ': ' + _safe_str(e)[:200], 'line': None, 'text': ''})
        os._exit(0)
    mod = types.ModuleType('submission')
    mod.__dict__['__builtins__'] = __builtins__
    sys.modules['submission'] = mod
    # top-level asyncio.run() in the submission gets a loop that runs on its own virtual clock
    load_rt = Runtime(None, standalone=True)
    asyncio.set_event_loop_policy(VPolicy(load_rt))
    try:
        exec(co, mod.__dict__)
    except MemoryError:
        os._exit(EXIT_MEMORY)
    except BaseException as e:
        rt.send({'k': 'loaderr', 'e': enc_exc(e)})
        os._exit(0)
    asyncio.set_event_loop_policy(VPolicy(rt))
    entry = mod.__dict__.get(entry_name)
    problem = None
    if entry is None:
        problem = 'missing'
    elif need == 'async_function' and not inspect.iscoroutinefunction(entry):
        problem = 'not_async' if callable(entry) else 'missing'
    elif need == 'async_gen' and not inspect.isasyncgenfunction(entry):
        problem = 'not_asyncgen' if callable(entry) else 'missing'
    elif need == 'class' and not isinstance(entry, type):
        problem = 'not_class'
    rt.send({'k': 'loaded', 'problem': problem})
    if problem:
        os._exit(0)
    sys.stdout.flush()
    while True:
        spec = rt.recv_block()
        if spec.get('k') != 'task':
            continue
        loop = VLoop(rt)
        rt.now = 0.0
        rt.calls.clear()
        rt.jobs = 0
        asyncio.set_event_loop(loop)
        try:
            dirty = loop.run_until_complete(_run_task(entry, spec))
        except MemoryError:
            os._exit(EXIT_MEMORY)
        except SystemExit as e:
            try:
                sys.stdout.flush()
            except BaseException:
                pass
            os._exit(e.code if type(e.code) is int and 0 <= e.code < 256 else 1)
        except BaseException:
            dirty = True
        try:
            loop._default_executor and loop._default_executor.shutdown(wait=False, cancel_futures=True)
            loop._default_executor = None
            loop.close()
        except BaseException:
            dirty = True
        asyncio.set_event_loop(None)
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BaseException:
            pass
        t_end = _rmono() + 0.05
        while len(os.listdir('/proc/self/task')) > 1 and _rmono() < t_end:
            time.sleep(0.001)
        th = len(os.listdir('/proc/self/task'))
        rt.send({'k': 'clean', 'dirty': bool(dirty or th > 1)})


def child_run(code, virtual):
    global RT
    if virtual:
        rt = RT = Runtime(None, standalone=True)
        _patch_time(rt)
        asyncio.set_event_loop_policy(VPolicy(rt))
        real_sleep = time.sleep

        def vsleep(secs):
            if secs < 0:
                raise ValueError('sleep length must be non-negative')
            with rt.lock:
                rt.now += secs
        time.sleep = vsleep
    mod = types.ModuleType('__main__')
    mod.__dict__['__builtins__'] = __builtins__
    sys.modules['__main__'] = mod
    code_rc = 0
    try:
        co = compile(code, '<string>', 'exec', dont_inherit=True)
        exec(co, mod.__dict__)
    except SystemExit as e:
        c = e.code
        if c is None:
            code_rc = 0
        elif type(c) is int:
            code_rc = c & 0xff
        else:
            try:
                print(c, file=sys.stderr)
            except BaseException:
                pass
            code_rc = 1
    except MemoryError:
        os._exit(EXIT_MEMORY)
    except BaseException as e:
        try:
            tb = e.__traceback__.tb_next if e.__traceback__ is not None else None
            sys.stderr.write(''.join(traceback.format_exception(type(e), e, tb)))
        except BaseException:
            pass
        code_rc = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        pass
    os._exit(code_rc)


# ----------------------------------------------------------------------------------------
# The trusted side.
# ----------------------------------------------------------------------------------------

class Killed(Exception):
    def __init__(self, status, message):
        self.status = status
        self.message = message


class Call:
    __slots__ = ('id', 'fn', 'args', 'start', 'end', 'due', 'ok', 'value', 'cancelled', 'label', 'seq', 'extra')

    def __init__(self, cid, fn, args, start, seq):
        self.id = cid
        self.fn = fn
        self.args = args
        self.start = start
        self.end = None
        self.due = None
        self.ok = True
        self.value = None
        self.cancelled = False
        self.seq = seq
        self.extra = None
        self.label = '%s(%s)' % (fn, ', '.join(_short(a) for a in args))


def _short(v):
    s = json.dumps(v) if not isinstance(v, str) else repr(v)
    return s if len(s) <= 30 else s[:27] + '...'


class Run:
    """What the parent saw during one example task."""

    def __init__(self):
        self.now = 0.0
        self.calls = []
        self.byid = {}
        self.heap = []
        self.emits = []
        self.done_at = None
        self.left = []
        self.ok = None
        self.value = None
        self.exc = None
        self.bcalls = {}
        self.bdone = []
        self.nseq = 0
        self.state = {}
        self.output = b''
        self.kept = 0

    def keep(self, n):
        """Counts the bytes of a message the parent keeps for this task; past RETAIN_LIMIT it is the child's fault."""
        self.kept += n
        if self.kept > RETAIN_LIMIT:
            raise Killed('output_limit', 'The program sent the grader more than %d MB of calls and values in one task.'
                         % (RETAIN_LIMIT >> 20))

    def inflight_at_done(self):
        return [c for c in self.calls if c.end is None and c.start <= self.done_at]

    def trace(self):
        out = []
        for c in self.calls:
            d = {'call': c.label, 'start': _r(c.start), 'end': _r(c.end) if c.end is not None else None}
            if c.cancelled:
                d['cancelled'] = True
            if not c.ok and c.end is not None and not c.cancelled:
                d['raised'] = True
            out.append(d)
        for b in self.bdone:
            out.append(b)
        if len(out) > TRACE_MAX:
            more = len(out) - TRACE_MAX
            out = out[:TRACE_MAX] + [{'call': '... and %d more call%s' % (more, '' if more == 1 else 's'),
                                      'start': None, 'end': None}]
        return out


def _r(x):
    return round(x, 6)


TRACE_MAX = 200                   # trace entries kept per task; the rest are counted in one last entry
_CONTROL = re.compile('[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]')


def _clean(v, depth=0):
    """A value parsed from the child with every string made writable as UTF-8 (lone surrogates -> U+FFFD)."""
    if type(v) is str:
        try:
            v.encode('utf-8')
            return v
        except UnicodeEncodeError:
            return v.encode('utf-16', 'surrogatepass').decode('utf-16', 'replace')
    if type(v) is list:
        return [_clean(x, depth + 1) for x in v]
    if type(v) is dict:
        return {_clean(k, depth + 1): _clean(x, depth + 1) for k, x in v.items()}
    return v


def display_text(s, limit=300):
    """Text from the child, fit for a message: a string, bounded, one line, no control characters."""
    if type(s) is not str:
        return ''
    s = _CONTROL.sub(' ', _clean(s).replace('\r', ' ').replace('\n', ' ').replace('\t', ' '))
    return s if len(s) <= limit else s[:limit - 3] + '...'


def _exc_info(e, depth=0):
    """The child's description of an exception, reduced to what messages show: type name, message, line."""
    if type(e) is not dict:
        return None
    out = {'$exc': display_text(e.get('$exc'), 80) or 'Exception', 'msg': display_text(e.get('msg'), 300)}
    line = e.get('line')
    out['line'] = line if type(line) is int and 0 < line < 1 << 20 else None
    sub = e.get('sub')
    if depth < 2 and type(sub) is list:
        out['sub'] = [x for x in (_exc_info(y, depth + 1) for y in sub[:5]) if x is not None]
    return out


# System call numbers the parent looks for in /proc/PID/task/TID/syscall, per architecture (the kernel's tables:
# arch/x86/entry/syscalls/syscall_64.tbl, include/uapi/asm-generic/unistd.h). An architecture missing here is
# refused at start-up (`main`): the parent could not tell an idle loop from a blocked one.
_SYSCALL_NRS = {
    'x86_64': {'read': 0, 'recvfrom': 45, 'recvmsg': 47, 'epoll_wait': 232, 'epoll_pwait': 281, 'epoll_pwait2': 441,
               'nanosleep': 35, 'clock_nanosleep': 230},
    'aarch64': {'read': 63, 'recvfrom': 207, 'recvmsg': 212, 'epoll_pwait': 22, 'epoll_pwait2': 441,
                'nanosleep': 101, 'clock_nanosleep': 115},
}
_NR = _SYSCALL_NRS.get(os.uname().machine, {})
NR_EPOLL = {_NR[k] for k in ('epoll_wait', 'epoll_pwait', 'epoll_pwait2') if k in _NR}
NR_READ = {_NR[k] for k in ('read', 'recvfrom', 'recvmsg') if k in _NR}
NR_SLEEP = {_NR[k] for k in ('nanosleep', 'clock_nanosleep') if k in _NR}
MAX_MSG = 64 << 10                # one message from the child; a longer one is the child's fault (`killed`)
RETAIN_LIMIT = 2 << 20            # bytes of the child's messages the parent keeps for one task (`output_limit`)
PARENT_MEM_LIMIT = 384 << 20      # the parent's own RSS; more means the child made it keep too much
EXIT_GRACE = 0.25                 # after EOF on the channel: real seconds the child gets to end before it is killed
SIOCOUTQ = 0x5411                 # TIOCOUTQ: bytes a unix socket sent that the peer has not read yet


def _outq(sock):
    try:
        return struct.unpack('i', fcntl.ioctl(sock.fileno(), SIOCOUTQ, b'\0\0\0\0'))[0]
    except OSError:
        return -1


def _pread(fd, n=512):
    try:
        return os.pread(fd, n, 0)
    except OSError:
        return b''


def _read_file(path, n=4096):
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return b''
    try:
        return os.read(fd, n)
    except OSError:
        return b''
    finally:
        os.close(fd)


def own_rss():
    """The parent's own resident memory in bytes."""
    try:
        return int(_read_file('/proc/self/statm', 128).split()[1]) * 4096
    except (ValueError, IndexError):
        return 0


class Child:
    """The parent's handle on one untrusted child: its two channels, its output pipes, and what the kernel shows of
    it in /proc. Nothing the child says about its own state is used: whether its event loop is idle, which thread
    called a blocking function, and whether other threads are busy are all read from /proc here."""

    def __init__(self, pid, sock, bsock, out_r, err_r, chan_ino, bchan_ino):
        self.pid = pid
        self.sock = sock
        self.bsock = bsock
        self.out_r = out_r
        self.err_r = err_r
        self.outbuf = bytearray()
        self.outlen = 0
        self.dead = False
        self.dirty = False
        self.status = None
        self.poll = select.poll()
        self.poll.register(sock.fileno(), select.POLLIN)
        self.poll.register(out_r, select.POLLIN)
        self.poll.register(err_r, select.POLLIN)
        self.chan_ino = chan_ino
        self.bchan_link = ('socket:[%d]' % bchan_ino)
        self.fds = []
        self.pidfd = self._open_fd(lambda: os.pidfd_open(pid))
        self.sched = self._open_fd(lambda: os.open('/proc/%d/task/%d/schedstat' % (pid, pid), os.O_RDONLY))
        self.sysc = self._open_fd(lambda: os.open('/proc/%d/task/%d/syscall' % (pid, pid), os.O_RDONLY))
        self.io = self._open_fd(lambda: os.open('/proc/%d/task/%d/io' % (pid, pid), os.O_RDONLY))
        if self.pidfd is not None:
            self.poll.register(self.pidfd, select.POLLIN)     # readable once the child has ended

    def ended(self):
        """Has the child process ended, with nothing left to read on its channel? (A process it forked may still
        hold the channel open: then EOF never comes, and this is how the parent learns that the child is gone.)"""
        if self.reap(block=False) is None:
            return False
        return not select.select([self.sock], [], [], 0)[0]

    def _open_fd(self, opener):
        try:
            fd = opener()
        except OSError:
            return None
        self.fds.append(fd)
        return fd

    def send(self, obj):
        """A message to the child. Only sent when the child has read everything before it (the parent waits for
        an idle loop), so a full queue means the child stopped reading: its fault."""
        try:
            self.sock.send(_dumps(obj).encode())
        except BlockingIOError:
            raise Killed('killed', 'The program stopped reading the grader\'s messages.')
        except OSError:
            pass                          # it is gone: the next read sees EOF

    def bsend(self, obj):
        try:
            self.bsock.send(_dumps(obj).encode())
        except OSError:
            raise Killed('killed', 'The program interfered with the grader (blocking channel).')

    def recv(self):
        """One message from the channel: its bytes, b'' at EOF or on any error (both are the child's doing: it
        closed or broke the channel), None when nothing is waiting."""
        try:
            data, _anc, flags, _addr = self.sock.recvmsg(MAX_MSG)
        except BlockingIOError:
            return None
        except (OSError, ValueError):
            return b''
        if flags & socket.MSG_TRUNC:
            raise Killed('killed', 'The program sent the grader a message over %d KB.' % (MAX_MSG >> 10))
        return data

    def gone(self, deadline):
        """The channel is closed: give the child until `deadline` (at most EXIT_GRACE) to end, then kill it.
        -> the Killed that says why it ended. Never waits longer: a child that closed its channel and sleeps
        uses no CPU, so no rlimit would ever end it."""
        end = min(deadline, _rmono() + EXIT_GRACE)
        st = self.reap(block=False)
        while st is None:
            left = end - _rmono()
            if left <= 0:
                break
            if self.pidfd is not None:
                select.select([self.pidfd], [], [], left)
            else:
                time.sleep(min(left, 0.005))
            st = self.reap(block=False)
        if st is None:
            self.kill()
            return Killed('killed', 'The program closed its connection to the grader (file descriptor 3) and kept '
                                    'running; it was stopped. Leave the grader\'s file descriptors alone.')
        return Killed(*death_reason(st))

    # -- what /proc shows --
    def runq_wait(self):
        """Nanoseconds the loop thread has waited on a run queue (other processes had the CPU)."""
        if self.sched is None:
            return 0
        try:
            return int(_pread(self.sched, 128).split()[1])
        except (ValueError, IndexError):
            return 0

    def steps(self):
        """The loop thread's count of read system calls (syscr). Its event loop reads /dev/null between steps while
        it is busy; the kernel counts that for this thread alone, so no other thread can make it move."""
        raw = _pread(self.io, 256) if self.io is not None else b''
        i = raw.find(b'syscr:')
        if i < 0:
            return -1
        try:
            return int(raw[i + 6:raw.index(b'\n', i)])
        except ValueError:
            return -1

    def _syscall(self, fd=None, tid=None):
        raw = _pread(fd, 256) if fd is not None else _read_file('/proc/%d/task/%d/syscall' % (self.pid, tid), 256)
        f = raw.split()
        if len(f) < 2 or f[0] == b'running':
            return None
        try:
            return int(f[0]), int(f[1], 16)
        except ValueError:
            return None

    def loop_idle(self):
        """Is the event loop idle, as the kernel shows it? Its thread (the child's main thread) is blocked in
        epoll_wait on an epoll that watches the channel for input, and it has read every message the parent sent
        (SIOCOUTQ is 0). Only then may virtual time move on."""
        if self.sysc is None or _outq(self.sock) != 0:
            return False
        sc = self._syscall(self.sysc)
        if sc is None or sc[0] not in NR_EPOLL:
            return False
        info = _read_file('/proc/%d/fdinfo/%d' % (self.pid, sc[1]))
        want = b' ino:%x ' % self.chan_ino
        for line in info.split(b'\n'):
            if line.startswith(b'tfd:') and want in line:
                try:
                    return bool(int(line.split()[3], 16) & select.EPOLLIN)
                except (ValueError, IndexError):
                    return False
        return False

    def wait_loop_idle(self, tries=60):
        """loop_idle(), allowing the few microseconds between the child's `idle` message and its epoll_wait."""
        for _ in range(tries):
            if self.loop_idle():
                return True
            os.sched_yield()
        return False

    def tids(self):
        try:
            return [int(t) for t in os.listdir('/proc/%d/task' % self.pid)]
        except (OSError, ValueError):
            return []

    def busy_threads(self):
        """Is a thread other than the loop's working (running, in uninterruptible sleep, or in time.sleep)?
        Virtual time stays frozen while one is: the work it does takes real time."""
        for tid in self.tids():
            if tid == self.pid:
                continue
            stat = _read_file('/proc/%d/task/%d/stat' % (self.pid, tid), 512)
            try:
                state = stat.rsplit(b')', 1)[1].split()[0]
            except IndexError:
                continue
            if state in (b'R', b'D'):
                return True
            sc = self._syscall(tid=tid)
            if sc is not None and sc[0] in NR_SLEEP:
                return True
        return False

    def bchan_waiters(self):
        """Threads blocked reading the blocking channel (fd 4 or wherever it is now), as /proc shows them."""
        out = set()
        for tid in self.tids():
            sc = self._syscall(tid=tid)
            if sc is None or sc[0] not in NR_READ:
                continue
            try:
                if os.readlink('/proc/%d/fd/%d' % (self.pid, sc[1])) == self.bchan_link:
                    out.add(tid)
            except OSError:
                pass
        return out

    def read_output(self, fd, cap):
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b''
        if not data:
            try:
                self.poll.unregister(fd)
            except (KeyError, ValueError):
                pass
            return
        self.outlen += len(data)
        if len(self.outbuf) < cap:
            self.outbuf += data[:cap - len(self.outbuf)]
        if self.outlen > MAX_OUT:
            raise Killed('output_limit', 'The program printed more than %d KB; output is capped.' % (MAX_OUT // 1024))

    def kill(self):
        if not self.dead:
            sweep()
            self.reap()
        for fd in [self.out_r, self.err_r] + self.fds:
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.out_r = self.err_r = self.sched = self.sysc = self.pidfd = self.io = None
        self.fds = []
        for s in (self.sock, self.bsock):
            try:
                s.close()
            except OSError:
                pass
        self.dead = True

    def reap(self, block=True):
        """The child's wait status, or None if it is still running (block=False). Blocking is only used after a
        SIGKILL (kill), when the kernel ends the process at once."""
        if self.status is not None:
            return self.status
        try:
            pid, st = os.waitpid(self.pid, 0 if block else os.WNOHANG)
        except ChildProcessError:
            self.status = -1
            return self.status
        if pid == 0:
            return None
        self.status = st
        return st


def sweep():
    """Kill every process in the sandbox's pid namespace except init and us."""
    try:
        os.kill(-1, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            break


def total_rss():
    tot = 0
    me = os.getpid()
    for p in os.listdir('/proc'):
        if p.isdigit() and int(p) not in (1, me):
            try:
                with open('/proc/%s/statm' % p) as f:
                    tot += int(f.read().split()[1]) * 4096
            except (OSError, ValueError, IndexError):
                pass
    return tot


SANDBOX_UID = 200000 + int.from_bytes(os.urandom(4), 'little') % 100000


def fork_child(target, *args):
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    ba, bb = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    chan_ino, bchan_ino = os.fstat(b.fileno()).st_ino, os.fstat(bb.fileno()).st_ino
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            a.close()
            ba.close()
            _child_setup(b.fileno(), out_w, err_w, SANDBOX_UID, bb.fileno())
            target(*args)
        except MemoryError:
            os._exit(EXIT_MEMORY)
        except BaseException:
            try:
                traceback.print_exc()
            except BaseException:
                pass
        os._exit(70)
    b.close()
    bb.close()
    os.close(out_w)
    os.close(err_w)
    for fd in (out_r, err_r):
        os.set_blocking(fd, False)
    a.setblocking(False)
    ba.setblocking(False)
    return Child(pid, a, ba, out_r, err_r, chan_ino, bchan_ino)


def death_reason(st):
    if st is None or st < 0:
        return 'killed', 'The program ended unexpectedly.'
    if os.WIFSIGNALED(st):
        sig = os.WTERMSIG(st)
        if sig == signal.SIGXCPU:
            return 'timeout', 'The program used more than its CPU time allowance (a loop that never ends?).'
        if sig == signal.SIGKILL:
            return 'killed', 'The program was killed.'
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = str(sig)
        return 'killed', 'The program crashed (signal %s).' % name
    code = os.WEXITSTATUS(st)
    if code == EXIT_MEMORY:
        return 'memory_limit', 'The program ran out of memory (limit 512 MB).'
    return 'killed', ('The program ended (exit code %d) before the task finished: '
                      'sys.exit() or os._exit() stops everything.' % code)


class Grader:
    """One grading: owns the child and the per-task event loop."""

    def __init__(self, q, code, deadline):
        self.q = q
        self.code = code
        self.deadline = deadline
        self.child = None

    def start_child(self):
        self.child = None
        gc.collect()                      # nothing of an earlier task may be inherited by the new child
        ch = fork_child(child_grade, self.code, self.q.entry, self.q.need)
        self.child = ch
        end = min(self.deadline, _rmono() + LOAD_REAL_LIMIT)
        msg = self.wait_msg(end)
        return msg

    def wait_msg(self, end):
        """Wait for one message (used while loading: no clock yet)."""
        ch = self.child
        while True:
            left = end - _rmono()
            if left <= 0:
                raise Killed('timeout', 'Loading your code took too long (top-level code that never ends?).')
            for fd, ev in ch.poll.poll(max(1, int(left * 1000))):
                if fd == ch.pidfd:
                    if ch.ended():
                        raise ch.gone(end)
                    continue
                if fd == ch.sock.fileno():
                    data = ch.recv()
                    if data is None:
                        continue
                    if not data:
                        raise ch.gone(end)
                    return self.parse(data)
                else:
                    ch.read_output(fd, 4096)

    def parse(self, data):
        try:
            msg = json.loads(data, parse_constant=_no_constant, parse_float=_finite_float)
            if type(msg) is not dict or type(msg.get('k')) is not str:
                raise ValueError
        except (ValueError, RecursionError):
            raise Killed('killed', 'The program interfered with the grader (bad message).')
        if b'\\u' in data or b'\\U' in data:
            msg = _clean(msg)             # lone surrogates (\\ud800) cannot be written as UTF-8
        return msg

    def finish_child(self):
        if self.child is not None:
            self.child.kill()
            self.child = None

    # -- one task --
    def run_task(self, t):
        """Runs one example task in the child and returns the Run the parent observed, or raises Killed. The
        parent's clock moves only when it sees the child's loop idle in /proc (Child.loop_idle); the loop is
        blocked when its thread spends BLOCK_LIMIT of its own time (run-queue waits excluded) without being
        seen idle."""
        ch = self.child
        run = Run()
        self.cur = run
        t.setup(run)
        ch.send({'k': 'task', 'driver': t.driver, 'args': t.args(run), 'opts': t.opts(run)})
        ch.outbuf = bytearray()
        real_end = min(self.deadline, _rmono() + TASK_REAL_LIMIT)
        mark_wall = _rmono()
        mark_wait = ch.runq_wait()
        mark_steps = ch.steps()
        last_mem = _rmono()
        sock_fd = ch.sock.fileno()
        vlimit = t.vlimit
        idle = None                       # the child's last `idle` request (next timer), until acted on
        frozen = False                    # idle seen while other threads worked: time stands still
        quiet_since = None                # idle, nothing pending, threads alive: a deadlock unless something moves
        bpending = []                     # blocking calls (id, args) announced but not answered yet
        while True:
            nowr = _rmono()
            if nowr >= real_end:
                if run.done_at is not None:
                    ch.dirty = True
                    return run
                raise Killed('timeout', 'The task did not finish in %.1f s of real time.' % TASK_REAL_LIMIT)
            if nowr - last_mem > 0.05:
                last_mem = nowr
                if total_rss() > MEM_TOTAL_LIMIT:
                    raise Killed('memory_limit', 'The program used more than 1 GB of memory in all.')
                if own_rss() > PARENT_MEM_LIMIT:
                    raise Killed('output_limit', 'The program sent the grader more data than it keeps.')
            wait_ms = 1 if (idle is not None and not frozen) or bpending else (3 if frozen else 10)
            for fd, ev in ch.poll.poll(wait_ms):
                if fd == ch.pidfd:
                    if ch.ended():
                        if run.done_at is not None:
                            ch.dirty = True
                            return run
                        raise ch.gone(real_end)
                    continue
                if fd != sock_fd:
                    ch.read_output(fd, 4096)
                    continue
                for _ in range(256):      # then back to the deadlines, however fast the child writes
                    data = ch.recv()
                    if data is None:
                        break
                    if not data:
                        if run.done_at is not None:
                            ch.gone(real_end)
                            ch.dirty = True
                            return run
                        raise ch.gone(real_end)
                    msg = self.parse(data)
                    quiet_since = None
                    try:
                        k = msg['k']
                        if k == 'idle':
                            nxt = msg.get('next')
                            if nxt is not None and type(nxt) not in (int, float):
                                raise Killed('killed', 'The program interfered with the grader.')
                            idle = nxt if nxt is None else max(float(nxt), run.now)
                            idle = ('at', idle)
                        elif k == 'call':
                            cid, fn, args = msg.get('id'), msg.get('fn'), msg.get('a')
                            if type(cid) is not int or type(fn) is not str or type(args) is not list or cid in run.byid:
                                raise Killed('killed', 'The program interfered with the grader.')
                            run.keep(len(data))
                            run.nseq += 1
                            c = Call(cid, fn[:40], args, run.now, run.nseq)
                            run.calls.append(c)
                            run.byid[cid] = c
                            if len(run.calls) > 5000:
                                raise Killed('timeout', 'The program made more than 5000 calls.')
                            try:
                                delay, ok, value = t.on_call(run, c)
                            except (TypeError, ValueError, KeyError):       # e.g. fetch([1]): unhashable arguments
                                run.state.setdefault('bad', []).append(c.label)
                                delay, ok, value = 0.0, False, ['RuntimeError', 'the grader cannot serve this call']
                            c.ok, c.value = ok, value
                            c.due = run.now + delay
                            heapq.heappush(run.heap, (c.due, c.seq, cid))
                        elif k == 'cancel':
                            c = run.byid.get(msg.get('id')) if type(msg.get('id')) is int else None
                            if c is not None and c.end is None:
                                c.end = run.now
                                c.cancelled = True
                                t.on_cancel(run, c)
                        elif k == 'bstart':
                            bid, args = msg.get('id'), msg.get('a')
                            if type(bid) is not int or type(args) is not list or bid in run.bcalls:
                                raise Killed('killed', 'The program interfered with the grader.')
                            run.keep(len(data))
                            b = {'call': 'work(%s)' % ', '.join(_short(a) for a in args[:8]), 'start': _r(run.now),
                                 'end': None}
                            run.bcalls[bid] = b
                            run.bdone.append(b)
                            bpending.append((bid, args, b))
                            if len(run.bcalls) > 1000:
                                raise Killed('timeout', 'The program made more than 1000 blocking calls.')
                        elif k == 'bend':
                            b = run.bcalls.get(msg.get('id')) if type(msg.get('id')) is int else None
                            if b is not None and b['end'] is None and 'thread' in b:
                                b['end'] = _r(run.now)
                        elif k == 'emit':
                            run.keep(len(data))
                            run.emits.append((run.now, msg.get('v')))
                            if len(run.emits) > 5000:
                                raise Killed('timeout', 'Too many values.')
                        elif k == 'done':
                            if run.done_at is None:
                                run.keep(len(data))
                                run.done_at = run.now
                                run.left = [c for c in run.calls if c.end is None]
                                run.ok = bool(msg.get('ok'))
                                run.value = msg.get('v')
                                run.exc = _exc_info(msg.get('e'))
                                real_end = min(real_end, _rmono() + 0.5)
                                vlimit = run.now + 10.0
                        elif k == 'clean':
                            ch.dirty = bool(msg.get('dirty')) or run.done_at is None or len(ch.tids()) > 1
                            return run
                        elif k in ('tick', 'pong'):
                            pass
                        else:
                            raise Killed('killed', 'The program interfered with the grader.')
                    except (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError, OverflowError):
                        # a message of the right kind with values of the wrong types: the child wrote it itself
                        raise Killed('killed', 'The program interfered with the grader (bad message).')
            nowr = _rmono()
            # blocking calls: answered once the threads that made them are seen waiting on the blocking channel;
            # the loop's own thread waiting there is a direct call (the loop stops until it returns)
            if bpending:
                waiters = ch.bchan_waiters()
                if ch.pid in waiters:
                    b = bpending[-1][2]
                    b['thread'] = 'loop'
                    raise Killed('blocked_loop', t.direct_msg(run, b))
                if len(waiters) >= len(bpending) and _outq(ch.bsock) == 0:
                    for bid, args, b in bpending:
                        b['thread'] = 'worker'
                        ch.bsend({'id': bid, 'v': t.on_blocking(run, args)})
                    bpending = []
            seen_idle = False
            if idle is not None and ch.wait_loop_idle(60 if not frozen else 1):
                seen_idle = True
                mark_wall, mark_wait = nowr, ch.runq_wait()
                if bpending or ch.busy_threads():
                    frozen = True         # threads are working: virtual time waits for them
                    continue
                if frozen:
                    frozen = False        # they stopped: let the loop look again before time moves
                    idle = None
                    ch.send({'k': 'adv', 't': run.now, 'd': []})
                    continue
                while run.heap and run.byid[run.heap[0][2]].end is not None:
                    heapq.heappop(run.heap)
                cand = [x for x in (idle[1], run.heap[0][0] if run.heap else None) if x is not None]
                if not cand:
                    if len(ch.tids()) > 1 and (quiet_since is None or nowr - quiet_since < 0.05):
                        if quiet_since is None:
                            quiet_since = nowr
                        continue
                    if run.done_at is not None:
                        ch.dirty = True
                        return run
                    raise Killed('timeout', self.deadlock_msg(run))
                quiet_since = None
                tnext = max(run.now, min(cand))
                if tnext > vlimit:
                    if run.done_at is not None:
                        ch.dirty = True
                        return run
                    raise Killed('timeout', t.vlimit_msg(run, vlimit))
                run.now = tnext
                done = []
                while run.heap and run.heap[0][0] <= tnext:
                    _, _, cid = heapq.heappop(run.heap)
                    c = run.byid[cid]
                    if c.end is not None:
                        continue
                    c.end = tnext
                    done.append([cid, c.ok, c.value])
                    t.on_end(run, c)
                idle = None
                ch.send({'k': 'adv', 't': tnext, 'd': done})
            if not seen_idle:
                steps = ch.steps()
                if steps != mark_steps:
                    mark_wall, mark_wait, mark_steps = nowr, ch.runq_wait(), steps
            if not seen_idle and nowr - mark_wall >= BLOCK_LIMIT:
                busy = (nowr - mark_wall) - (ch.runq_wait() - mark_wait) / 1e9
                if busy >= BLOCK_LIMIT:
                    if ch.loop_idle():
                        mark_wall, mark_wait = nowr, ch.runq_wait()
                    else:
                        raise Killed('blocked_loop', t.blocked_msg(run))

    def deadlock_msg(self, run):
        pend = [c.label for c in run.calls if c.end is None]
        s = ('At %s s everything was waiting and nothing could ever wake it up (no timer, no call '
             'in progress): a deadlock, e.g. awaiting a future nobody completes, a Queue nobody fills, '
             'or a lock or semaphore that is never released.' % _fmt(run.now))
        return s


def _no_constant(s):
    raise ValueError('NaN and Infinity are not JSON')      # json.loads would accept them: a NaN compares false


def _finite_float(s):
    f = float(s)
    if f - f != 0.0:                                       # 1e999 -> inf
        raise ValueError('not a finite number')
    return f


def _fmt(x):
    if x is None:
        return '?'
    s = '%.3f' % x
    s = s.rstrip('0')
    if s.endswith('.'):
        s += '0'
    return s


def grade(QUESTIONS, req):
    qid = req.get('question')
    code = req.get('code')
    if qid not in QUESTIONS:
        return {'verdict': 'error', 'score': 0, 'message': 'The grader has no tasks for question %r.' % (qid,), 'tasks': []}
    if type(code) is not str:
        return {'verdict': 'error', 'score': 0, 'message': 'No code was sent.', 'tasks': []}
    q = QUESTIONS[qid]
    deadline = _rmono() + GRADE_REAL_LIMIT
    g = Grader(q, code, deadline)
    results = []
    need_load = True
    try:
        for t in q.tasks:
            if g.child is None or g.child.dead or getattr(g.child, 'dirty', False):
                g.finish_child()
                try:
                    msg = g.start_child()
                except Killed as k:
                    g.finish_child()
                    # loading is the same for every task: the same fault would only cost each task its budget again
                    results += [_task_result(x, k.status, 'While loading your code: ' + k.message, 0.0, [])
                                for x in q.tasks[len(results):]]
                    break
                try:
                    out = _load_outcome(q, msg)
                except Killed as k:
                    g.finish_child()
                    results.append(_task_result(t, k.status, 'While loading your code: ' + k.message, 0.0, []))
                    continue
                if out is not None:
                    g.finish_child()
                    return out
            g.cur = None
            try:
                run = g.run_task(t)
            except Killed as k:
                run = None
                status, message = k.status, k.message
                g.finish_child()
            if run is not None:
                run.output = bytes(g.child.outbuf) if g.child else b''
                try:
                    status, message = t.check(run)
                except Exception as e:
                    status, message = 'runtime_error', 'The grader could not check this result (%s).' % type(e).__name__
                results.append(_task_result(t, status, message, run.done_at if run.done_at is not None else run.now,
                                            run.trace(), run.output))
            else:
                cur = g.cur
                results.append(_task_result(t, status, message, cur.now if cur else None,
                                            cur.trace() if cur else []))
            run = g.cur = None            # nothing of this task stays in memory for the next child to inherit
    finally:
        g.finish_child()
    npass = sum(1 for r in results if r['status'] == 'passed')
    score = npass / len(results) if results else 0
    verdict = 'passed' if npass == len(results) and results else 'failed'
    if verdict == 'passed':
        summary = 'All %d tasks passed.' % len(results)
    else:
        first = next(r for r in results if r['status'] != 'passed')
        summary = '%d of %d tasks passed. First problem (%s): %s' % (npass, len(results), first['name'], first['message'])
    return {'verdict': verdict, 'score': round(score, 4), 'message': summary, 'tasks': results}


def _load_outcome(q, msg):
    """The child's first message -> None (loaded, go on) or the not_gradable response; Killed if it is not one
    the child runtime sends (the submission wrote to the channel itself)."""
    try:
        kk = msg['k']
        if kk == 'syntax':
            line = msg.get('line')
            where = (' on line %s' % line) if type(line) is int else ''
            text = msg.get('text') or ''
            m = 'Syntax error%s: %s.' % (where, msg.get('msg'))
            if text:
                m += ' The line reads: %s' % text[:120]
            return {'verdict': 'not_gradable', 'score': 0, 'message': m, 'tasks': []}
        if kk == 'loaderr':
            e = msg.get('e') or {}
            line = e.get('line')
            where = (' (line %s)' % line) if type(line) is int else ''
            return {'verdict': 'not_gradable', 'score': 0, 'tasks': [],
                    'message': 'Your code raised %s%s while it was being loaded: %s. Only define %s; '
                               'do not run anything at the top level.' % (e.get('$exc'), where, e.get('msg'), q.entry)}
        problem = msg.get('problem')
        if kk != 'loaded' or problem not in (None, 'missing', 'not_async', 'not_asyncgen', 'not_class'):
            raise Killed('killed', 'The program interfered with the grader.')
        if problem:
            return {'verdict': 'not_gradable', 'score': 0, 'tasks': [], 'message': q.problem_msg(problem)}
        return None
    except (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError, OverflowError):
        raise Killed('killed', 'The program interfered with the grader (bad message).')


def _task_result(t, status, message, elapsed, trace, output=b''):
    d = {'name': t.name, 'status': status, 'message': message,
         'elapsed': _r(elapsed) if elapsed is not None else None, 'trace': trace}
    if output:
        d['output'] = output[:2000].decode('utf-8', 'replace')
    return d


def run_program(req):
    code = req.get('code')
    if type(code) is not str:
        return {'status': 'error', 'exit_code': None, 'stdout': '', 'stderr': 'no code'}
    tmo = req.get('timeout', 5)
    if type(tmo) not in (int, float) or not 0 < tmo <= 30:
        tmo = 5
    clock = req.get('clock', 'auto')
    if clock == 'auto':
        threaded = any(w in code for w in ('thread', 'Thread', 'executor', 'Executor', 'subprocess',
                                           'open_connection', 'start_server', 'multiprocessing'))
        clock = 'real' if threaded else 'virtual'
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            _child_setup(None, out_w, err_w, SANDBOX_UID)
            child_run(code, clock == 'virtual')
        except BaseException:
            pass
        os._exit(70)
    os.close(out_w)
    os.close(err_w)
    p = select.poll()
    p.register(out_r, select.POLLIN)
    p.register(err_r, select.POLLIN)
    bufs = {out_r: bytearray(), err_r: bytearray()}
    total = 0
    openfds = 2
    status = None
    end = _rmono() + tmo
    last_mem = _rmono()
    while openfds:
        left = end - _rmono()
        if left <= 0:
            status = 'timeout'
            break
        if _rmono() - last_mem > 0.05:
            last_mem = _rmono()
            if total_rss() > MEM_TOTAL_LIMIT:
                status = 'memory_limit'
                break
        for fd, ev in p.poll(min(50, max(1, int(left * 1000)))):
            data = os.read(fd, 65536)
            if not data:
                p.unregister(fd)
                openfds -= 1
                continue
            total += len(data)
            if len(bufs[fd]) < RUN_STDOUT_CAP:
                bufs[fd] += data[:RUN_STDOUT_CAP - len(bufs[fd])]
            if total > MAX_OUT:
                status = 'output_limit'
        if status:
            break
    exit_code = None
    if status is None:
        # both pipes closed: the program ended (or a grandchild closed them); give it a moment
        t_end = min(end, _rmono() + 1.0)
        st = None
        while _rmono() < t_end:
            wp, st = os.waitpid(pid, os.WNOHANG)
            if wp:
                break
            time.sleep(0.001)
        else:
            status = 'timeout'
        if status is None:
            if os.WIFEXITED(st):
                exit_code = os.WEXITSTATUS(st)
                status = 'memory_limit' if exit_code == EXIT_MEMORY else 'ok'
                if exit_code == EXIT_MEMORY:
                    exit_code = None
            else:
                status = 'timeout' if os.WTERMSIG(st) == signal.SIGXCPU else 'killed'
    sweep()
    for fd in (out_r, err_r):
        os.close(fd)
    return {'status': status, 'exit_code': exit_code, 'clock': clock,
            'stdout': bufs[out_r].decode('utf-8', 'replace'), 'stderr': bufs[err_r].decode('utf-8', 'replace')}


def _warm_up():
    rt = Runtime(None, standalone=True)
    global RT
    RT = rt
    loop = VLoop(rt)

    async def one(i):
        await asyncio.sleep(i)
        return i

    async def main():
        await asyncio.gather(one(1), one(2))
        try:
            await asyncio.wait_for(one(5), 1)
        except asyncio.TimeoutError:
            pass
        async with asyncio.timeout(3):
            await one(1)
        async with asyncio.TaskGroup() as tg:
            tg.create_task(one(1))
        lock = asyncio.Lock()
        async with lock:
            pass
        sem = asyncio.Semaphore(2)
        async with sem:
            pass
        q = asyncio.Queue()
        await q.put(1)
        await q.get()
        t = asyncio.ensure_future(one(9))
        await asyncio.sleep(0)
        t.cancel()
        await asyncio.wait([t])
        first = asyncio.ensure_future(one(1))
        await asyncio.wait([first], return_when=asyncio.FIRST_COMPLETED)
    loop.run_until_complete(main())
    loop.close()
    RT = None
    json.loads(_dumps({'a': [1, 2.5, None, 'x']}))


_LIBC = None


def _set_dumpable_0():
    global _LIBC
    try:
        import ctypes
        libc = _LIBC = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(4, 0, 0, 0, 0) != 0:      # PR_SET_DUMPABLE
            raise OSError('prctl')
    except Exception:
        os.write(2, b'grader: cannot make the harness non-dumpable\n')
        os._exit(3)


def _load_questions():
    code = globals().pop('_TASKS_CODE', None)
    if code is None:
        src = b''
        while True:
            chunk = os.read(4, 1 << 20)
            if not chunk:
                break
            src += chunk
        code = compile(src, 'grader/tasks/questions.py', 'exec')
        del src
    for fd in (3, 4):
        try:
            os.close(fd)
        except OSError:
            pass
    ns = {'__name__': 'grader_tasks', '__builtins__': __builtins__}
    ns.update(TASK_API)
    exec(code, ns)
    del code
    return ns['QUESTIONS']


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
    global _SECCOMP
    _SECCOMP = _seccomp_filter()
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
    _LIBC.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
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
        _libc_check(_LIBC.unshare(CLONE_NEWPID), 'unshare(pid)')
        pid = os.fork()
        if pid == 0:
            try:
                os.close(st_r)
                os.close(own_pidns)
                _request(QUESTIONS, serve_uid(tag, n), st_w)
            finally:
                os._exit(71)
        _libc_check(_LIBC.setns(own_pidns, CLONE_NEWPID), 'setns(pid)')
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
    global SANDBOX_UID
    _libc_check(_LIBC.unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS), 'unshare')
    _libc_check(_LIBC.mount(None, b'/', None, MS_REC | MS_PRIVATE, None), 'mount --make-rprivate /')
    _libc_check(_LIBC.mount(b'proc', b'/proc', b'proc', MS_NOSUID | MS_NODEV | MS_NOEXEC, None), 'mount /proc')
    _libc_check(_LIBC.mount(b'tmpfs', b'/tmp', b'tmpfs', MS_NOSUID | MS_NODEV, b'size=33554432,mode=1777'),
                'mount /tmp')
    os.chdir('/tmp')
    _lo_up()
    SANDBOX_UID = uid


def _request(QUESTIONS, uid, st_w):
    """P, the worker: isolate, read exactly one line, answer it, exit (its pid namespace dies with it)."""
    _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
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
    tee = _LIBC.tee
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


TASK_API = {'Killed': Killed, 'fmt': _fmt, 'Run': Run}

if __name__ == '__main__':
    main()
