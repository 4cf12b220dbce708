"""A small client for grader/launch (used by bench.py and the tests; the server has its own in Swift)."""
import json
import os
import subprocess
import time

LAUNCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'launch')


class Sandbox:
    """One warm sandbox: started, waits for {"ready": true}; then one request."""

    def __init__(self):
        self.t0 = time.perf_counter()
        self.p = subprocess.Popen([LAUNCH], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env={}, close_fds=True)
        line = self.p.stdout.readline()
        self.ready_at = time.perf_counter()
        if json.loads(line) != {'ready': True}:
            raise RuntimeError('sandbox did not say ready: %r' % line)

    def request(self, req, timeout=20):
        t = time.perf_counter()
        self.p.stdin.write((json.dumps(req) + '\n').encode())
        self.p.stdin.flush()
        try:
            out, err = self.p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            raise
        self.elapsed = time.perf_counter() - t
        self.stderr = err
        lines = out.splitlines()
        if len(lines) != 1:
            raise RuntimeError('expected one line, got %r (stderr %r)' % (out[:2000], err[:2000]))
        return json.loads(lines[0])

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()


def grade(question, code, timeout=20):
    return Sandbox().request({'mode': 'grade', 'question': question, 'code': code}, timeout)


def run(code, timeout=5, **kw):
    req = {'mode': 'run', 'code': code, 'timeout': timeout}
    req.update(kw)
    return Sandbox().request(req, timeout + 10)


class Zygote:
    """One long-lived `launch --serve` sandbox: many requests, one after another, one line each."""

    def __init__(self):
        import threading
        self.lock = threading.Lock()
        self.t0 = time.perf_counter()
        self.p = subprocess.Popen([LAUNCH, '--serve'], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env={}, close_fds=True)
        self.buf = b''
        line = self._readline(30)
        self.ready_at = time.perf_counter()
        if json.loads(line) != {'ready': True}:
            raise RuntimeError('zygote did not say ready: %r' % line)

    def _readline(self, timeout):
        import select
        end = time.monotonic() + timeout
        fd = self.p.stdout.fileno()
        while b'\n' not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                raise subprocess.TimeoutExpired(LAUNCH, timeout)
            r, _, _ = select.select([fd], [], [], left)
            if r:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise RuntimeError('zygote ended (rc %r): %r' % (self.p.poll(), self.buf[:2000]))
                self.buf += chunk
        line, self.buf = self.buf.split(b'\n', 1)
        return line

    def send(self, data):
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def request(self, req, timeout=20):
        with self.lock:
            t = time.perf_counter()
            self.send((json.dumps(req) + '\n').encode())
            line = self._readline(timeout)
            self.elapsed = time.perf_counter() - t
            return json.loads(line)

    def zygote_pid(self):
        """Host pid of the zygote python (bwrap -> bwrap init -> python)."""
        kids = descendants(self.p.pid)
        return kids[1] if len(kids) > 1 else None

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()

    close = kill


def children(pid):
    out = []
    for p in os.listdir('/proc'):
        if p.isdigit():
            try:
                with open('/proc/%s/stat' % p) as f:
                    st = f.read()
                if int(st.rsplit(')', 1)[1].split()[1]) == pid:
                    out.append(int(p))
            except (OSError, ValueError, IndexError):
                pass
    return sorted(out)


def descendants(pid):
    """pid's descendants, breadth first (host pids)."""
    out, todo = [], [pid]
    while todo:
        k = children(todo.pop(0))
        out += k
        todo += k
    return out


class OneShot:
    """The same interface as ZygotePool, one fresh sandbox per request."""
    name = 'oneshot'

    def request(self, req, timeout=20):
        return Sandbox().request(req, timeout)

    def grade(self, question, code, timeout=20):
        return self.request({'mode': 'grade', 'question': question, 'code': code}, timeout)

    def run(self, code, timeout=5, **kw):
        req = {'mode': 'run', 'code': code, 'timeout': timeout}
        req.update(kw)
        return self.request(req, timeout + 10)

    def close(self):
        pass


class ZygotePool(OneShot):
    """n zygotes; each request takes a free one (restarted if it died)."""
    name = 'serve'

    def __init__(self, n=2):
        import queue
        self.free = queue.Queue()
        self.all = []
        for _ in range(n):
            z = Zygote()
            self.all.append(z)
            self.free.put(z)

    def request(self, req, timeout=20):
        z = self.free.get()
        try:
            if z.p.poll() is not None:
                self.all.remove(z)
                z = Zygote()
                self.all.append(z)
            return z.request(req, timeout)
        finally:
            self.free.put(z)

    def close(self):
        for z in self.all:
            z.kill()
