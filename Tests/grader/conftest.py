import os
import sys

import pytest

GRADER = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'grader')
sys.path.insert(0, os.path.abspath(GRADER))

UID_LO, UID_HI = 200000, 300000     # one-shot mode: the harness gives each sandbox's child a uid in this range
SERVE_UID_LO, SERVE_UID_HI = 1000000, 1000000 + (1 << 30)     # serve mode: a uid per request in this range


def sandbox_processes():
    """Processes that run under a sandbox uid (there must be none once a grading is over)."""
    out = []
    for p in os.listdir('/proc'):
        if not p.isdigit():
            continue
        try:
            with open('/proc/%s/status' % p) as f:
                for line in f:
                    if line.startswith('Uid:'):
                        uid = int(line.split()[1])
                        if UID_LO <= uid < UID_HI or SERVE_UID_LO <= uid < SERVE_UID_HI:
                            out.append((int(p), uid))
                        break
        except (OSError, ValueError):
            pass
    return out


def wait_no_leftovers(seconds=10.0):
    """True once no sandbox-uid process is left. Polls, because other gradings (e.g. the Swift tests running
    at the same time on this machine) may have live sandboxes for up to their deadline."""
    import time
    end = time.monotonic() + seconds
    while sandbox_processes():
        if time.monotonic() > end:
            return False
        time.sleep(0.02)
    return True


@pytest.fixture
def no_leftovers():
    yield
    assert wait_no_leftovers(), sandbox_processes()


@pytest.fixture(scope='session', params=['oneshot', 'serve'])
def backend(request):
    """How requests reach the harness: a fresh `launch` per request, or two long-lived `launch --serve`
    zygotes shared by every test of the session."""
    import client
    b = client.OneShot() if request.param == 'oneshot' else client.ZygotePool(2)
    yield b
    b.close()
