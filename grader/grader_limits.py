# The grader's bottom layer: limits, shared constants, the libc handle, /proc reads, the kill sweep, text cleaning.
# Imported by every other module of the grader (grader_seccomp, grader_child, grader_observe, grader_clock,
# grader_engine, harness); it imports none of them.
import sys
sys.modules['ssl'] = None          # nothing in the sandbox may use TLS; skips a costly import
sys.dont_write_bytecode = True
import os, json, time, signal, resource, select, fcntl, struct, re

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


# System call numbers the parent looks for in /proc/PID/task/TID/syscall, per architecture (the kernel's tables:
# arch/x86/entry/syscalls/syscall_64.tbl, include/uapi/asm-generic/unistd.h). An architecture missing here is
# refused at start-up (`main`): the parent could not tell an idle loop from a blocked one.
_SYSCALL_NRS = {
    'x86_64': {'read': 0, 'recvfrom': 45, 'recvmsg': 47, 'epoll_wait': 232, 'epoll_pwait': 281, 'epoll_pwait2': 441,
               'nanosleep': 35, 'clock_nanosleep': 230, 'futex': 202},
    'aarch64': {'read': 63, 'recvfrom': 207, 'recvmsg': 212, 'epoll_pwait': 22, 'epoll_pwait2': 441,
                'nanosleep': 101, 'clock_nanosleep': 115, 'futex': 98},
}
_NR = _SYSCALL_NRS.get(os.uname().machine, {})
NR_EPOLL = {_NR[k] for k in ('epoll_wait', 'epoll_pwait', 'epoll_pwait2') if k in _NR}
NR_READ = {_NR[k] for k in ('read', 'recvfrom', 'recvmsg') if k in _NR}
NR_SLEEP = {_NR[k] for k in ('nanosleep', 'clock_nanosleep') if k in _NR}
NR_FUTEX = _NR.get('futex')
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

