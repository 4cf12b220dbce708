"""The real QuizServer binary, started for the API tests: a free port on 127.0.0.1, a fresh data dir, a known
teacher token. The binary is $QUIZ_SERVER_BIN, else <repo>/.build/debug/QuizServer (`swift build` first)."""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
BINARY = os.environ.get('QUIZ_SERVER_BIN') or os.path.join(REPO, '.build', 'debug', 'QuizServer')
TEACHER_TOKEN = 'teacher-token-for-api-tests'
HOST = '127.0.0.1'


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """One server process. Its stdout and stderr go to a file (it logs a line per request; a pipe would fill up)."""

    def __init__(self, extra_args=(), data_dir=None):
        """`data_dir`: an existing data dir to serve again (a restart); by default a fresh one."""
        if not os.access(BINARY, os.X_OK):
            pytest.fail('no server binary at %s: run `swift build` first or set QUIZ_SERVER_BIN' % BINARY)
        self.data_dir = data_dir or tempfile.mkdtemp(prefix='quiz-api-test-')
        self.log_path = os.path.join(self.data_dir, 'server.log')
        self.port = free_port()
        self.base = 'http://%s:%d' % (HOST, self.port)
        env = dict(os.environ, QUIZ_TEACHER_TOKEN=TEACHER_TOKEN)
        self._log = open(self.log_path, 'wb')
        self.proc = subprocess.Popen(
            [BINARY, 'serve', '--host', HOST, '--port', str(self.port), '--data-dir', self.data_dir, *extra_args],
            cwd=REPO, env=env, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.wait_until_serving()

    @property
    def pid(self):
        return self.proc.pid

    def wait_until_serving(self, timeout=60.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                pytest.fail('the server exited with %s at start-up:\n%s' % (self.proc.returncode, self.log_tail()))
            try:
                with urllib.request.urlopen(self.base + '/healthz', timeout=1) as r:
                    if r.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.05)
        pytest.fail('the server did not answer /healthz within %.0f s:\n%s' % (timeout, self.log_tail()))

    def request(self, method, path, body=None, headers=None, timeout=10):
        """A plain urllib request; returns (status, headers, body bytes) for errors as well."""
        data = None
        headers = dict(headers or {})
        if body is not None:
            data = json.dumps(body).encode()
            headers.setdefault('Content-Type', 'application/json')
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def rss_kib(self):
        with open('/proc/%d/status' % self.pid) as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
        raise AssertionError('no VmRSS for the server process')

    def log_tail(self, lines=40):
        try:
            with open(self.log_path, 'rb') as f:
                return b''.join(f.read().splitlines(keepends=True)[-lines:]).decode('utf-8', 'replace')
        except OSError:
            return ''

    def stop(self, timeout=30):
        """SIGTERM, then wait (bounded); SIGKILL if it hangs. Returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()
        return self.proc.returncode

    def cleanup(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        if not self._log.closed:
            self._log.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)


def wait_for_regrade(server, code, regrade_id, token=TEACHER_TOKEN, timeout=60):
    """The regrade's report once it says `finished`, asked every 50 ms; the test fails after `timeout` seconds."""
    path = '/api/v1/classes/%s/regrades/%s' % (code, regrade_id)
    end = time.monotonic() + timeout
    while True:
        status, _, body = server.request('GET', path, headers={'Authorization': 'Bearer ' + token})
        assert status == 200, body
        report = json.loads(body)
        if report['status'] == 'finished':
            return report
        if time.monotonic() > end:
            pytest.fail('the regrade did not finish within %d s:\n%s' % (timeout, server.log_tail()))
        time.sleep(0.05)


@pytest.fixture(scope='module')
def server():
    """One live server for a test module; it must stop cleanly (exit 0) on SIGTERM at the end."""
    s = Server()
    try:
        yield s
        code = s.stop()
        assert code == 0, 'the server exited with %s on SIGTERM:\n%s' % (code, s.log_tail())
    finally:
        s.cleanup()
