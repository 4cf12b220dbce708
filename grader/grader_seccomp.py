# The untrusted child's system-call allow-list (libseccomp). Built once in the trusted parent, loaded in each child.
import os, sys
import grader_limits as L

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


def _seccomp_filter(arch=None, path=SECCOMP_PATH, arches=SECCOMP_ARCHES):
    """The child's filter, built (not loaded) in the trusted parent; `arch`: the AUDIT_ARCH value to check
    (default: the machine's, from libseccomp). Exits EXIT_NO_SECCOMP rather than return without a filter."""
    import errno
    # Import only `seccomp` from Debian's dist-packages, then put sys.path back as it was: nothing else of
    # dist-packages becomes importable, and the untrusted child (forked later) sees the same path as before.
    saved = list(sys.path)
    try:
        sys.path.insert(0, path)
        import seccomp
    except ImportError as e:
        _seccomp_refuse('cannot import seccomp from %s (Debian package python3-seccomp): %s' % (path, e))
    finally:
        sys.path[:] = saved
        sys.path_importer_cache.pop(path, None)
        sys.modules.pop('seccomp', None)
    try:
        native = seccomp.system_arch() & 0xFFFFFFFF
        if arch is None:
            arch = native
        if arch not in arches or arch != native:
            _seccomp_refuse('unknown architecture 0x%08x (%s known)' % (arch, ', '.join(arches.values())))
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


class _Program:
    """The filter compiled once, in the parent, to the kernel's BPF (libseccomp's `export_bpf`): each child then
    loads those bytes with one prctl (about 0.3 ms) instead of having libseccomp generate them again (1.2 ms)."""

    def __init__(self, f):
        import ctypes
        import tempfile
        with tempfile.TemporaryFile() as out:
            f.export_bpf(out)
            out.seek(0)
            raw = out.read()
        if not raw or len(raw) % 8:
            raise ValueError('libseccomp exported %d bytes of BPF' % len(raw))
        self.filter = f
        self.buf = ctypes.create_string_buffer(raw, len(raw))

        class Fprog(ctypes.Structure):
            _fields_ = [('len', ctypes.c_ushort), ('filter', ctypes.c_void_p)]
        self.prog = Fprog(len(raw) // 8, ctypes.addressof(self.buf))


def _seccomp_compile(f):
    """The filter as the parent keeps it: compiled to BPF; refuses to start if that fails."""
    try:
        return _Program(f)
    except Exception as e:
        _seccomp_refuse('cannot compile the filter: %s: %s' % (type(e).__name__, e))


def _seccomp_load():
    """In the child, before it runs anything untrusted: load the filter (no_new_privs first, as seccomp(2) asks of
    an unprivileged process), or exit."""
    try:
        import ctypes
        libc = L._LIBC
        if libc.prctl(38, 1, 0, 0, 0) != 0:                       # PR_SET_NO_NEW_PRIVS
            os._exit(72)
        if libc.prctl(22, 2, ctypes.byref(_SECCOMP.prog), 0, 0) != 0:   # PR_SET_SECCOMP, SECCOMP_MODE_FILTER
            os._exit(72)
    except BaseException:
        os._exit(72)

