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
