"""Several instances on one PostgreSQL behind nginx, all real and all on loopback, started by the tests:
PostgreSQL from Debian's packages (Tests/cluster/pg-temp: initdb in a temporary folder, run as the `postgres`
user), two `QuizServer serve --database postgres://…` processes, and nginx with deploy/nginx/quiz.conf.in (HTTP
and HTTPS with a self-signed certificate made by openssl). The binary is $QUIZ_SERVER_BIN, else
<repo>/.build/debug/QuizServer."""
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
BINARY = os.environ.get('QUIZ_SERVER_BIN') or os.path.join(REPO, '.build', 'debug', 'QuizServer')
PG_TEMP = os.path.join(HERE, 'pg-temp')
TEACHER_TOKEN = 'teacher-token-for-cluster-tests'
HOST = '127.0.0.1'
sys.path.insert(0, os.path.join(REPO, 'deploy', 'nginx'))
import render as render_module  # noqa: E402  (deploy/nginx/render.py: the configuration the README documents)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_for(condition, timeout, what, interval=0.05):
    """Polls `condition` until it returns something true; fails the test with `what` after `timeout` seconds."""
    end = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > end:
            pytest.fail('%s: not within %.0f s' % (what, timeout))
        time.sleep(interval)


def request(base, method, path, body=None, headers=None, timeout=30, context=None):
    """(status, headers, body bytes); errors too. `body` is JSON-encoded."""
    data = None
    headers = dict(headers or {})
    if body is not None:
        data = json.dumps(body).encode()
        headers.setdefault('Content-Type', 'application/json')
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout, context=context) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def bearer(token):
    return {'Authorization': 'Bearer ' + token}


class Postgres:
    """A throwaway PostgreSQL cluster; stopped, started again and deleted by the tests."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='quiz-cluster-pg-')
        self.port = free_port()
        self.url = 'postgres://quiz:quiz@%s:%d/quiz' % (HOST, self.port)
        # It stops and removes itself if this process dies without cleaning up.
        subprocess.run([PG_TEMP, 'start', self.dir, str(self.port), str(os.getpid())], check=True)

    def stop(self, mode='fast'):
        subprocess.run([PG_TEMP, 'stop', self.dir, mode], check=True)

    def start(self):
        subprocess.run([PG_TEMP, 'start-again', self.dir], check=True)

    def psql(self, sql):
        """Runs SQL as the superuser over the cluster's socket; returns the output rows as text."""
        out = subprocess.run(['psql', '-X', '-q', '-t', '-A', '-h', self.dir, '-p', str(self.port), '-U', 'postgres',
                              '-d', 'quiz', '-c', sql], check=True, capture_output=True, text=True)
        return out.stdout.strip()

    def cleanup(self):
        subprocess.run([PG_TEMP, 'stop', self.dir, 'immediate'], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


class Instance:
    """One `QuizServer serve` process; its output goes to a file (a line per request)."""

    def __init__(self, name, database_url, extra=()):
        if not os.access(BINARY, os.X_OK):
            pytest.fail('no server binary at %s: run `swift build` first or set QUIZ_SERVER_BIN' % BINARY)
        self.name = name
        self.database_url = database_url
        self.extra = list(extra)
        self.data_dir = tempfile.mkdtemp(prefix='quiz-cluster-%s-' % name)
        self.log_path = os.path.join(self.data_dir, 'server.log')
        self.port = free_port()
        self.base = 'http://%s:%d' % (HOST, self.port)
        self.proc = None
        self.start()

    def start(self):
        env = dict(os.environ, QUIZ_TEACHER_TOKEN=TEACHER_TOKEN)
        env.pop('QUIZ_DATABASE_URL', None)
        args = [BINARY, 'serve', '--host', HOST, '--port', str(self.port), '--data-dir', self.data_dir,
                '--trusted-proxy', HOST, *self.extra]
        if self.database_url:
            args += ['--database', self.database_url]
        self._log = open(self.log_path, 'ab')
        self.proc = subprocess.Popen(args, cwd=REPO, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        end = time.monotonic() + 90
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                pytest.fail('%s exited with %s at start-up:\n%s' % (self.name, self.proc.returncode, self.log_tail()))
            try:
                with urllib.request.urlopen(self.base + '/readyz', timeout=3) as r:
                    if r.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.05)
        pytest.fail('%s was not ready within 90 s:\n%s' % (self.name, self.log_tail()))

    def request(self, method, path, body=None, headers=None, timeout=30):
        return request(self.base, method, path, body, headers, timeout)

    def ready(self):
        return self.request('GET', '/readyz', timeout=5)[0]

    def metric(self, name):
        """The sum of a metric's samples in this instance's /metrics."""
        status, _, body = self.request('GET', '/metrics')
        assert status == 200
        total = 0.0
        for line in body.decode().splitlines():
            if line.startswith(name + ' ') or line.startswith(name + '{'):
                total += float(line.rsplit(' ', 1)[1])
        return total

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self._log.close()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if not self._log.closed:
            self._log.close()
        return self.proc.returncode

    def log_tail(self, lines=40):
        try:
            with open(self.log_path, 'rb') as f:
                return b''.join(f.read().splitlines(keepends=True)[-lines:]).decode('utf-8', 'replace')
        except OSError:
            return ''

    def cleanup(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        if not self._log.closed:
            self._log.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)


class Balancer:
    """nginx with the repo's configuration, HTTP and HTTPS on loopback, in front of the given instances."""

    def __init__(self, instances):
        self.dir = tempfile.mkdtemp(prefix='quiz-cluster-nginx-')
        os.chmod(self.dir, 0o755)
        self.cert = os.path.join(self.dir, 'cert.pem')
        self.key = os.path.join(self.dir, 'key.pem')
        subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj',
                        '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
                        '-keyout', self.key, '-out', self.cert], check=True, capture_output=True)
        self.port = free_port()
        self.tls_port = free_port()
        self.base = 'http://%s:%d' % (HOST, self.port)
        self.tls_base = 'https://localhost:%d' % self.tls_port
        self.conf = os.path.join(self.dir, 'nginx.conf')
        with open(self.conf, 'w') as f:
            f.write(render_module.render(self.dir, '%s:%d' % (HOST, self.port), '%s:%d' % (HOST, self.tls_port),
                                         self.cert, self.key, ['%s:%d' % (HOST, i.port) for i in instances]))
        nginx = shutil.which('nginx') or '/usr/sbin/nginx'
        self.proc = subprocess.Popen([nginx, '-c', self.conf, '-p', self.dir, '-g', 'daemon off;'],
                                     stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.dir, 'stderr'), 'wb'),
                                     stdin=subprocess.DEVNULL)
        wait_for(lambda: self._answers(), 20, 'nginx answering on %s' % self.base)

    def _answers(self):
        if self.proc.poll() is not None:
            pytest.fail('nginx exited with %s:\n%s' % (self.proc.returncode, open(os.path.join(self.dir, 'stderr')).read()))
        try:
            return request(self.base, 'GET', '/healthz', timeout=2)[0] == 200
        except OSError:
            return False

    def request(self, method, path, body=None, headers=None, timeout=60):
        return request(self.base, method, path, body, headers, timeout)

    def tls_context(self):
        return ssl.create_default_context(cafile=self.cert)

    def tls_request(self, method, path, body=None, headers=None, timeout=60):
        return request(self.tls_base, method, path, body, headers, timeout, context=self.tls_context())

    def cleanup(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)     # graceful: finish the requests in flight
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        shutil.rmtree(self.dir, ignore_errors=True)


class Cluster:
    def __init__(self, pg, instances, balancer):
        self.pg = pg
        self.instances = instances
        self.balancer = balancer

    def new_class(self, name=None):
        status, _, body = self.balancer.request('POST', '/api/v1/classes', {'name': name or 'c-' + uuid.uuid4().hex[:6]},
                                                bearer(TEACHER_TOKEN))
        assert status == 201, body
        return json.loads(body)['code']

    def new_student(self, code, via=None, name=None):
        target = via or self.balancer
        status, _, body = target.request('POST', '/api/v1/students',
                                         {'name': name or 's-' + uuid.uuid4().hex[:10], 'class': code})
        assert status == 201, body
        return json.loads(body)

    def attempts_of(self, student, via=None):
        target = via or self.balancer
        status, _, body = target.request('GET', '/api/v1/me/attempts', headers=bearer(student['token']))
        assert status == 200, body
        return json.loads(body)['attempts']

    def results(self, code):
        status, _, body = self.balancer.request('GET', '/api/v1/classes/%s/results' % code,
                                                headers=bearer(TEACHER_TOKEN))
        assert status == 200, body
        return json.loads(body)


# Enough code attempts per student for the tests, few enough that the global limit is seen.
CODE_ATTEMPTS_PER_MINUTE = 4


@pytest.fixture(scope='session')
def cluster():
    pg = Postgres()
    instances = []
    balancer = None
    try:
        extra = ['--graders', '2', '--code-attempts-per-minute', str(CODE_ATTEMPTS_PER_MINUTE)]
        instances = [Instance('a', pg.url, extra), Instance('b', pg.url, extra)]
        balancer = Balancer(instances)
        yield Cluster(pg, instances, balancer)
        for instance in instances:
            code = instance.stop()
            assert code == 0, '%s exited with %s on SIGTERM:\n%s' % (instance.name, code, instance.log_tail())
    finally:
        if balancer:
            balancer.cleanup()
        for instance in instances:
            instance.cleanup()
        pg.cleanup()


def question_answers():
    """A choice question with its right choice, and a code question with a passing solution, from the bank."""
    with open(os.path.join(REPO, 'questions.json')) as f:
        bank = json.load(f)['questions']
    choice = next(q for q in bank if q['kind'] == 'single_choice')
    right = next(c['id'] for c in choice['choices'] if c.get('correct'))
    code = next(q for q in bank if q['id'] == 'code-fetch-all')
    return {'choice': (choice['id'], {'choices': [right]}), 'code': (code['id'], {'code': code['solution']})}
