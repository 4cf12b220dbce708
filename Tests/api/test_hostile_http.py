"""Hostile HTTP against the live server, over raw sockets to 127.0.0.1 only: slowloris, huge URLs and header sets,
bytes that are not UTF-8, NULs, lying Content-Lengths, pipelining, HTTP/1.0, and a request during shutdown.
After every case the server must still answer /healthz; no answer is ever a 500; its memory stays bounded."""
import json
import resource
import signal
import socket
import threading
import time

import pytest

from live_server import HOST, TEACHER_TOKEN, Server, server  # noqa: F401 - `server` is a fixture

RSS_LIMIT_KIB = 150 * 1024
SLOW_CONNECTIONS = 500
SLOW_CODE = 'import time\nasync def fetch_all(fetch, items):\n    time.sleep(1)\n    return []'


@pytest.fixture(scope='module', autouse=True)
def enough_file_descriptors():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = SLOW_CONNECTIONS + 512
    if soft != resource.RLIM_INFINITY and soft < wanted:
        new = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


class Answer:
    def __init__(self, status, version, headers, body):
        self.status, self.version, self.headers, self.body = status, version, headers, body

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return '<%s %d %r %r>' % (self.version, self.status, self.headers, self.body[:200])


def connect(port, timeout=5.0):
    s = socket.create_connection((HOST, port), timeout=timeout)
    s.settimeout(timeout)
    return s


class Reader:
    """Reads HTTP/1.x responses off one socket, one at a time (bounded by the socket's timeout and a deadline)."""

    def __init__(self, sock, deadline=10.0):
        self.sock, self.buffer, self.deadline, self.closed = sock, b'', deadline, False

    def _fill(self, end):
        if time.monotonic() > end:
            raise TimeoutError('no complete response in time; got %r' % self.buffer[:300])
        chunk = self.sock.recv(65536)
        if not chunk:
            self.closed = True
            raise EOFError('connection closed; got %r' % self.buffer[:300])
        self.buffer += chunk

    def response(self):
        end = time.monotonic() + self.deadline
        while b'\r\n\r\n' not in self.buffer:
            self._fill(end)
        head, self.buffer = self.buffer.split(b'\r\n\r\n', 1)
        lines = head.decode('latin-1').split('\r\n')
        version, status = lines[0].split(' ', 2)[:2]
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(':')
            headers[name.strip().lower()] = value.strip()
        if 'content-length' in headers:
            length = int(headers['content-length'])
            while len(self.buffer) < length:
                self._fill(end)
            body, self.buffer = self.buffer[:length], self.buffer[length:]
        else:                                   # no length: the body runs to the close
            try:
                while True:
                    self._fill(end)
            except EOFError:
                pass
            body, self.buffer = self.buffer, b''
        answer = Answer(int(status), version, headers, body)
        check_answer(answer)
        return answer


def check_answer(answer):
    assert answer.status != 500 and not 500 <= answer.status < 503, answer
    if answer.status >= 400 and answer.headers.get('content-type', '').startswith('application/problem+json'):
        problem = json.loads(answer.body)
        assert set(problem) == {'type', 'title', 'status', 'detail'} and problem['status'] == answer.status, problem


def exchange(port, data, timeout=5.0):
    """Sends raw bytes on a new connection and reads one response."""
    with connect(port, timeout) as s:
        s.sendall(data)
        return Reader(s, deadline=timeout).response()


def get(port, path, version='HTTP/1.1', extra=b''):
    return (b'GET %s %s\r\nHost: 127.0.0.1\r\n%sConnection: close\r\n\r\n'
            % (path if isinstance(path, bytes) else path.encode(), version.encode(), extra))


def post(path, body, content_type=b'application/json', length=None, close=True):
    return (b'POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: %s\r\nContent-Length: %d\r\n%s\r\n'
            % (path.encode(), content_type, len(body) if length is None else length,
               b'Connection: close\r\n' if close else b'')) + body


def assert_healthy(server, within=2.0):
    assert server.proc.poll() is None, 'the server died:\n' + server.log_tail()
    started = time.monotonic()
    answer = exchange(server.port, get(server.port, '/healthz'), timeout=within)
    assert answer.status == 200 and answer.json() == {'status': 'ok'}
    assert time.monotonic() - started < within


def assert_memory_bounded(server):
    rss = server.rss_kib()
    assert rss < RSS_LIMIT_KIB, 'VmRSS %d KiB' % rss
    return rss


# MARK: - slowloris

def test_slowloris_does_not_starve_normal_clients(server):
    assert_healthy(server)
    before = assert_memory_bounded(server)
    slow = []
    try:
        for i in range(SLOW_CONNECTIONS):
            s = connect(server.port, timeout=5)
            s.sendall(b'GET /api/v1/topics HTTP/1.1\r\nHost: 127.0.0.1\r\n')     # never finished
            slow.append(s)
        latencies = []
        for round_ in range(8):                                 # ~4 s of dribbling, one header line a round
            for i, s in enumerate(slow):
                try:
                    s.sendall(b'X-Slow-%d: %d\r\n' % (round_, i))
                except OSError:
                    pass                                        # the server may drop a dribbler: that is allowed
            for path in ('/healthz', '/api/v1/topics', '/api/v1/questions?kind=code'):
                started = time.monotonic()
                answer = exchange(server.port, get(server.port, path), timeout=3)
                latencies.append(time.monotonic() - started)
                assert answer.status == 200
            time.sleep(0.5)
        assert max(latencies) < 1.0, 'a normal request took %.2f s during the slowloris' % max(latencies)
        during = assert_memory_bounded(server)
        # None of the unfinished requests was answered as if it were complete.
        for s in slow[:50]:
            s.setblocking(False)
            try:
                data = s.recv(4096)
            except BlockingIOError:
                data = None
            assert not data or not data.startswith(b'HTTP/1.1 200'), data[:100]
    finally:
        for s in slow:
            s.close()
    time.sleep(0.3)
    assert_healthy(server)
    after = assert_memory_bounded(server)
    print('VmRSS before %d KiB, during %d KiB, after %d KiB' % (before, during, after))


# MARK: - big requests

def test_16_kib_url(server):
    answer = exchange(server.port, get(server.port, '/api/v1/questions/' + 'a' * 16384))
    assert answer.status in (404, 414), answer
    answer = exchange(server.port, get(server.port, '/api/v1/questions?topic=' + 'b' * 16384))
    assert answer.status in (400, 414), answer
    answer = exchange(server.port, get(server.port, '/' + 'c/' * 8192))
    assert answer.status in (404, 414), answer
    assert_healthy(server)


def test_a_thousand_headers(server):
    before = assert_memory_bounded(server)
    headers = b''.join(b'X-Header-%d: value-%d\r\n' % (i, i) for i in range(1000))
    for _ in range(20):
        try:
            answer = exchange(server.port, get(server.port, '/healthz', extra=headers))
        except (EOFError, ConnectionResetError):
            continue                                            # refusing by closing is allowed; a 500 is not
        assert answer.status in (200, 400, 413, 431), answer
    one_huge = b'X-Huge: ' + b'h' * 200_000 + b'\r\n'
    try:
        answer = exchange(server.port, get(server.port, '/healthz', extra=one_huge))
        assert answer.status in (400, 413, 431), answer
    except (EOFError, ConnectionResetError, BrokenPipeError):
        pass
    assert_healthy(server)
    after = assert_memory_bounded(server)
    print('VmRSS before %d KiB, after %d KiB' % (before, after))


def test_body_over_64_kib_is_413(server):
    body = json.dumps({'output': 'x' * 70_000}).encode()
    answer = exchange(server.port, post('/api/v1/questions/custom-await/attempts', body))
    assert answer.status == 413 and answer.headers['content-type'] == 'application/problem+json', answer
    assert_healthy(server)


# MARK: - bytes that are not text

@pytest.mark.parametrize('request_bytes', [
    get(0, b'/api/v1/questions/\xff\xfe\xc0\xaf'),
    get(0, b'/api/v1/quest\x00ions'),
    get(0, b'/api/v1/questions/%FF%FE%C0%AF'),
    get(0, b'/api/v1/questions?topic=\xff\xfe&kind=\x00'),
    get(0, b'/api/v1/questions?topic=%00%FF&kind=%C0%AF'),
    get(0, b'/api/v1/classes/%FF%00/results', extra=b'Authorization: Bearer ' + TEACHER_TOKEN.encode() + b'\r\n'),
    get(0, b'/api/v1/me/attempts', extra=b'Authorization: Bearer \xff\xfe\x00abc\r\n'),
    post('/api/v1/students', b'{"name":"\xff\xfe","class":"\x00"}'),
    post('/api/v1/questions/custom-await/attempts', b'{"output":"a\x00b\xff"}'),
    post('/api/v1/questions/custom-await/attempts', b'\x00\x00\x00\x00'),
    post('/api/v1/questions/custom-await/attempts', b'{"output":"\\ud800"}'),
    post('/api/v1/questions/code-fetch-all/attempts', b'{"code":"\xff\xfe\x00"}'),
    post('/api/v1/classes', b'{"name":"\xc3"}', content_type=b'application/json; charset=\xff'),
], ids=['path-utf8', 'path-nul', 'path-pct-utf8', 'query-raw', 'query-pct', 'class-code-pct', 'auth-bytes',
        'body-students', 'body-nul', 'body-nuls', 'body-lone-surrogate', 'body-code', 'content-type-bytes'])
def test_invalid_utf8_and_nul(server, request_bytes):
    answer = exchange(server.port, request_bytes)
    assert 200 <= answer.status < 500, answer          # a clean answer; 200 only where the bytes are a valid answer
    assert_healthy(server)


def test_percent_encoded_nul_does_not_cut_the_path(server):
    """`%00` in the path must not end it: /api/v1/questions/%00 is not the question list, and
    /api/v1/questions/custom-await%00junk is not the question custom-await."""
    answer = exchange(server.port, get(server.port, '/api/v1/questions/%00'))
    assert answer.status in (400, 404), answer
    answer = exchange(server.port, get(server.port, '/api/v1/questions/custom-await%00junk'))
    assert answer.status in (400, 404), answer
    assert_healthy(server)


# MARK: - Content-Length that lies

def test_content_length_shorter_than_the_body(server):
    body = b'{"choices":["a"]}'
    with connect(server.port) as s:
        s.sendall(post('/api/v1/questions/await-plain-value/attempts', body, length=5, close=False))
        reader = Reader(s, deadline=5)
        first = reader.response()
        assert first.status == 400, first                   # `{"cho` is not JSON
        # The rest (`ices":["a"]}`) is the start of a garbage request: a 400, a close, or waiting for more.
        s.settimeout(1.0)
        try:
            second = reader.response()
            assert 400 <= second.status < 500, second
        except (EOFError, TimeoutError, socket.timeout, ConnectionResetError):
            pass
    assert_healthy(server)


def test_content_length_longer_than_the_body(server):
    body = b'{"choices":["a"]}'
    with connect(server.port) as s:
        s.sendall(post('/api/v1/questions/await-plain-value/attempts', body, length=len(body) + 100, close=False))
        s.settimeout(1.0)
        try:
            data = s.recv(4096)                             # nothing yet: it waits for the rest of the body
            assert not data.startswith(b'HTTP/1.1 200'), data
        except socket.timeout:
            pass
        assert_healthy(server)                              # while that connection waits, others are served
        s.shutdown(socket.SHUT_WR)                          # the body will never come
        try:
            data = s.recv(4096)
            assert not data or not data.startswith((b'HTTP/1.1 200', b'HTTP/1.1 5')), data
        except (socket.timeout, ConnectionResetError):
            pass
    assert_healthy(server)


@pytest.mark.parametrize('length', [b'-1', b'abc', b'99999999999999999999999', b'5, 5', b'1e3'])
def test_content_length_that_is_not_a_length(server, length):
    raw = (b'POST /api/v1/classes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n'
           b'Content-Length: ' + length + b'\r\nConnection: close\r\n\r\n{"name":"x"}')
    try:
        answer = exchange(server.port, raw, timeout=3)
        assert 400 <= answer.status < 500, answer
    except (EOFError, ConnectionResetError, TimeoutError, socket.timeout):
        pass
    assert_healthy(server)


# MARK: - pipelining and HTTP/1.0

def test_pipelined_requests_are_answered_in_order(server):
    attempt = b'{"output":"42\\n84\\n"}'
    pipelined = (
        post('/api/v1/questions/custom-await/attempts', attempt, close=False)          # async handler
        + b'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'                           # answered from memory
        + b'GET /api/v1/questions/custom-await HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'
        + b'GET /api/v1/nothing-here HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
    with connect(server.port) as s:
        s.sendall(pipelined)
        reader = Reader(s, deadline=10)
        answers = [reader.response() for _ in range(4)]
    assert [a.status for a in answers] == [200, 200, 200, 404], answers
    assert answers[0].json()['question'] == 'custom-await' and answers[0].json()['verdict'] == 'passed'
    assert answers[1].json() == {'status': 'ok'}
    assert answers[2].json()['id'] == 'custom-await'
    assert_healthy(server)


def test_http_1_0(server):
    with connect(server.port) as s:
        s.sendall(b'GET /healthz HTTP/1.0\r\n\r\n')
        reader = Reader(s, deadline=3)
        answer = reader.response()
        assert answer.status == 200 and answer.json() == {'status': 'ok'}
        assert answer.version in ('HTTP/1.0', 'HTTP/1.1')
        s.settimeout(3)
        assert s.recv(1) == b''                              # HTTP/1.0 without keep-alive: closed after
    answer = exchange(server.port, b'GET /api/v1/topics HTTP/1.0\r\nConnection: keep-alive\r\n\r\n')
    assert answer.status == 200 and answer.json()['topics']
    body = b'{"output":"x"}'
    answer = exchange(server.port, b'POST /api/v1/questions/custom-await/attempts HTTP/1.0\r\n'
                      b'Content-Type: application/json\r\nContent-Length: %d\r\n\r\n' % len(body) + body)
    assert answer.status == 200 and answer.json()['verdict'] == 'failed'
    assert_healthy(server)


def test_server_is_still_well_after_everything(server):
    assert_healthy(server)
    assert_memory_bounded(server)


# MARK: - shutdown

def test_a_request_during_shutdown_gets_503_never_a_hang():
    """SIGTERM while code is being graded: a new request on an already open keep-alive connection gets 503,
    a new connection is refused or answered 503, the grading in flight finishes, and the server exits 0."""
    server = Server(extra_args=['--graders', '1'])
    try:
        port = server.port
        keep = connect(port, timeout=5)
        keep.sendall(b'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
        keep_reader = Reader(keep, deadline=5)
        assert keep_reader.response().status == 200        # the connection is open and kept alive

        # Three slow gradings, one grader: the last finishes about 1.5 s from now.
        graded = []

        def grade():
            body = json.dumps({'code': SLOW_CODE}).encode()
            try:
                graded.append(exchange(port, post('/api/v1/questions/code-fetch-all/attempts', body), timeout=30))
            except Exception as error:                       # noqa: BLE001 - reported below
                graded.append(error)

        threads = [threading.Thread(target=grade) for _ in range(3)]
        for t in threads:
            t.start()
        time.sleep(0.2)
        server.proc.send_signal(signal.SIGTERM)
        time.sleep(0.1)

        started = time.monotonic()
        keep.sendall(b'GET /api/v1/topics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
        answer = keep_reader.response()
        assert answer.status == 503, answer
        assert time.monotonic() - started < 2
        keep.close()

        try:
            fresh = exchange(port, get(port, '/healthz'), timeout=3)
            assert fresh.status == 503, fresh
        except (ConnectionRefusedError, ConnectionResetError, EOFError):
            pass                                             # the listener is closed: refused is fine

        for t in threads:
            t.join(timeout=30)
        assert not any(t.is_alive() for t in threads), 'a grading request hung during shutdown'
        for result in graded:
            if isinstance(result, Answer):
                assert result.status in (200, 503), result
            else:
                assert isinstance(result, (EOFError, ConnectionResetError)), result
        assert any(isinstance(r, Answer) and r.status == 200 for r in graded), graded
        assert server.proc.wait(timeout=30) == 0, server.log_tail()
    finally:
        server.cleanup()
