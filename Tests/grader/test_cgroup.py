"""The whole sandbox sits in a memory and a pids cgroup of its own (where cgroups v1 are writable), so that what
rlimits cannot see is bounded: the sum over all processes, tmpfs pages, and socket buffers in the kernel (64 MB of TCP buffers: the sandbox has no network, so only a submission
that floods its own loopback ever uses them)."""
import os
import time

import pytest

import client

MEMORY = '/sys/fs/cgroup/memory'
PIDS = '/sys/fs/cgroup/pids'

pytestmark = pytest.mark.skipif(not os.access(MEMORY, os.W_OK) or not os.access(PIDS, os.W_OK),
                                reason='cgroups v1 memory/pids are not writable here: the sandbox runs without them')


def read(path):
    with open(path) as f:
        return f.read().strip()


def test_a_serving_sandbox_is_bounded_by_its_own_cgroups():
    z = client.Zygote()
    try:
        pid = z.p.pid  # bwrap, exec'd by launch with the same pid
        groups = read('/proc/%d/cgroup' % pid)
        assert ':memory:/quiz-grader/%d' % pid in groups
        assert ':pids:/quiz-grader/%d' % pid in groups
        base = '%s/quiz-grader/%d' % (MEMORY, pid)
        assert int(read(base + '/memory.limit_in_bytes')) == 1536 << 20
        assert int(read(base + '/memory.kmem.tcp.limit_in_bytes')) == 64 << 20
        assert int(read('%s/quiz-grader/%d/pids.max' % (PIDS, pid))) == 1024
        # bubblewrap, its init and the zygote are all in it (their children inherit it).
        tasks = read(base + '/tasks').split()
        assert str(pid) in tasks and len(tasks) >= 3
    finally:
        z.kill()


def test_socket_buffers_are_bounded_and_the_sandbox_keeps_serving():
    """A submission that fills loopback socket buffers without reading them grows kernel memory that rlimits do not
    count; the cgroup's TCP limit stops it, and the next request is graded as usual."""
    flood = '''
import socket
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(64)
pairs = []
sent = 0
try:
    for _ in range(25):
        c = socket.create_connection(srv.getsockname())
        s, _ = srv.accept()
        c.setblocking(False)
        pairs.append((c, s))
        chunk = b"x" * 65536
        while True:
            try:
                sent += c.send(chunk)
            except (BlockingIOError, OSError):
                break
except OSError:
    pass
print(sent // (1 << 20))
'''
    z = client.Zygote()
    try:
        pid = z.p.pid
        r = z.request({'mode': 'run', 'code': flood, 'timeout': 10, 'clock': 'real'}, timeout=40)
        assert r['status'] in ('ok', 'killed', 'timeout', 'memory_limit')
        peak = int(read('%s/quiz-grader/%d/memory.kmem.tcp.max_usage_in_bytes' % (MEMORY, pid)))
        assert 0 < peak <= (64 << 20) * 11 // 10  # the kernel may overshoot a little when it must
        if r['status'] == 'ok':
            # Unbounded, 25 pairs take about 100 MB here; the limit stops the sender well before.
            assert int(r['stdout']) < 80
        ok = z.request({'mode': 'grade', 'question': 'code-fetch-all', 'code':
                        'import asyncio\nasync def fetch_all(fetch, items):\n'
                        '    return await asyncio.gather(*(fetch(i) for i in items))\n'})
        assert ok['verdict'] == 'passed'
    finally:
        z.kill()


def test_groups_of_sandboxes_that_are_gone_are_removed():
    z = client.Zygote()
    pid = z.p.pid
    z.kill()
    time.sleep(0.2)
    client.Zygote().kill()  # the next launch sweeps empty groups of dead sandboxes
    assert not os.path.exists('%s/quiz-grader/%d' % (MEMORY, pid))
    assert not os.path.exists('%s/quiz-grader/%d' % (PIDS, pid))
