# The trusted parent's handle on an untrusted child: fork, channels, output pipes, and what /proc shows of it.
import os, json, time, signal, select, socket, traceback
import grader_limits as L
from grader_limits import (EXIT_GRACE, EXIT_MEMORY, MAX_MSG, MAX_OUT, MEM_TOTAL_LIMIT, NR_EPOLL, NR_FUTEX, NR_READ, NR_SLEEP,
                           RUN_STDOUT_CAP, display_text, sweep, total_rss)
from grader_limits import _rmono, _dumps, _outq, _pread, _read_file, _clean
from grader_child import _child_setup, child_run
class Killed(Exception):
    def __init__(self, status, message):
        self.status = status
        self.message = message



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
        self.stat = self._open_fd(lambda: os.open('/proc/%d/task/%d/stat' % (pid, pid), os.O_RDONLY))
        self.status_fd = self._open_fd(lambda: os.open('/proc/%d/task/%d/status' % (pid, pid), os.O_RDONLY))
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
    def schedstat(self):
        """(CPU time, run-queue wait) of the loop thread in nanoseconds, from /proc/PID/task/PID/schedstat: the time
        it ran, and the time it waited on a run queue while other processes had the CPU. The kernel adds a wait to
        the second figure only when the wait ends (the thread gets the CPU), so a wait still going on is in
        neither. (0, 0) if it cannot be read."""
        if self.sched is None:
            return 0, 0
        try:
            f = _pread(self.sched, 128).split()
            return int(f[0]), int(f[1])
        except (ValueError, IndexError):
            return 0, 0

    def runq_wait(self):
        """Nanoseconds the loop thread has waited on a run queue (other processes had the CPU)."""
        return self.schedstat()[1]

    def loop_sample(self):
        """One look at the loop thread: (real time, CPU ns, run-queue ns, asleep). `asleep` is True only when the
        thread was seen sleeping (state S or D) between two reads of its schedstat that agree: then it neither ran
        nor got the CPU after a wait in between, so at `real time` it had no run-queue wait still going on, and
        real time - run-queue wait since an earlier sample is exactly its own time (running or sleeping) since
        then. A thread that is running or runnable (state R) is never `asleep`: how long it has really waited
        is not known until it runs, so only its CPU time is its own."""
        t = _rmono()
        cpu, wait = self.schedstat()
        asleep = False
        if self.stat is not None:
            raw = _pread(self.stat, 512)
            try:
                state = raw.rsplit(b')', 1)[1].split()[0]
            except IndexError:
                state = b'?'
            asleep = state in (b'S', b'D') and self.schedstat() == (cpu, wait)
        return t, cpu, wait, asleep

    def loop_sleeps(self):
        """How many times the loop thread has gone to sleep (voluntary_ctxt_switches in /proc/PID/task/PID/status):
        every sleep in the kernel (time.sleep, a lock, a read, epoll_wait, uninterruptible waits) adds one, being
        preempted or waiting on a run queue adds none. -1 if it cannot be read."""
        raw = _pread(self.status_fd, 4096) if self.status_fd is not None else b''
        i = raw.find(b'\nvoluntary_ctxt_switches:')
        if i < 0:
            return -1
        try:
            return int(raw[i + 25:raw.index(b'\n', i + 1)])
        except ValueError:
            return -1

    def loop_in_epoll(self):
        """Is the loop thread in epoll_wait (where an idle loop waits)? Otherwise, if it is asleep, it sleeps
        somewhere else: time.sleep, a lock, a blocking read."""
        sc = self._syscall(self.sysc) if self.sysc is not None else None
        return sc is not None and sc[0] in NR_EPOLL

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

    def waits_for_gil(self):
        """Is the loop's thread waiting on a futex while another thread of the child runs or is runnable? That is
        how waiting for the GIL looks: the loop is held up by the machine's load on its other threads, not blocked
        by its own code (a threading lock the loop waits for while no other thread works still counts as blocked)."""
        sc = self._syscall(self.sysc) if self.sysc is not None else None
        if sc is None or sc[0] != NR_FUTEX:
            return False
        for tid in self.tids():
            if tid == self.pid:
                continue
            stat = _read_file('/proc/%d/task/%d/stat' % (self.pid, tid), 512)
            try:
                if stat.rsplit(b')', 1)[1].split()[0] in (b'R', b'D'):
                    return True
            except IndexError:
                continue
        return False

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
        self.out_r = self.err_r = self.sched = self.sysc = self.pidfd = self.io = self.stat = self.status_fd = None
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
            _child_setup(b.fileno(), out_w, err_w, L.SANDBOX_UID, bb.fileno())
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
            _child_setup(None, out_w, err_w, L.SANDBOX_UID)
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

