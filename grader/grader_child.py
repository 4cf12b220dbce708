# The untrusted side: runs only in the forked child, after the uid drop (and in the parent's warm-up).
# The submission's virtual-time event loop, its proxies for the grader's helpers, and the drivers that use it.
import os, sys, json, time, signal, resource, selectors, socket, select, types, inspect
import threading, asyncio, traceback, fcntl
import grader_limits as L
import grader_seccomp
from grader_limits import _rmono, _rtime, _dumps, EXIT_MEMORY, CHILD_LIMITS

class FetchError(Exception):
    pass


class OpError(Exception):
    pass


class ConnectError(Exception):
    pass


_ERRS = {'FetchError': FetchError, 'OpError': OpError, 'ConnectError': ConnectError,
         'ValueError': ValueError, 'RuntimeError': RuntimeError, 'TimeoutError': TimeoutError,
         'KeyError': KeyError, 'OSError': OSError, 'ConnectionError': ConnectionError}
_CHAN = object()


def _error_class(name):
    """The exception class a helper raises: the built-in ones by name, any other name a new Exception subclass."""
    if type(name) is not str:
        return RuntimeError
    if name not in _ERRS:
        _ERRS[name] = type(name[:80], (Exception,), {})
    return _ERRS[name]
RT = None                         # the child's runtime (set in the child only)
_STOP = object()                  # the parent's answer to an async generator helper that has no more values


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
                        fut.set_exception(_error_class(val[0])(val[1]))
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
        if '$stop' in v:
            return _STOP
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
        self.loop = None
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
        sch = (self.loop or rt.loop)._scheduled
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
        sel = VSelector(rt)
        super().__init__(sel)
        sel.loop = self
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


# --- the grader's calls, as the child makes them: a message to the parent, answered by `adv` ---

async def _pcall(fn, args):
    rt = RT
    cid = rt.new_id()
    fut = asyncio.get_running_loop().create_future()
    rt.calls[cid] = fut
    rt.send({'k': 'call', 'id': cid, 'fn': fn, 'a': args})
    try:
        return await fut
    except asyncio.CancelledError:
        if rt.calls.pop(cid, None) is not None:
            rt.send({'k': 'cancel', 'id': cid})
        raise


class Conn:
    def __init__(self, cid):
        self._cid = cid

    async def close(self):
        return await _pcall('close', [self._cid])

    async def query(self, q):
        return await _pcall('query', [self._cid, enc(q)])

    def __repr__(self):
        return '<Connection %s>' % self._cid



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
    # The submission runs with no signal blocked, as a student's own Python does: whoever started the grader may
    # have blocked some (a Swift server's dispatch threads block nearly all, and a spawned process inherits the
    # mask), and then `loop.add_signal_handler`, `signal.alarm` or a SIGTERM to itself would never be delivered.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    for lim, val in CHILD_LIMITS:
        if type(val) is tuple:
            resource.setrlimit(lim, val)
        else:
            resource.setrlimit(lim, (val, val))
    if L._LIBC is not None:
        L._LIBC.prctl(4, 1, 0, 0, 0)   # dumpable again after the uid change: lets it read its own /proc/self/task
    grader_seccomp._seccomp_load()
    threading.stack_size(1 << 20)
    os.chdir('/tmp')
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.stdout = open(1, 'w', encoding='utf-8', errors='replace', closefd=False, buffering=1)
    sys.stderr = open(2, 'w', encoding='utf-8', errors='replace', closefd=False, buffering=1)
    for name in list(sys.modules):
        if name == '__main__':
            continue
    sys.setrecursionlimit(2000)


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


