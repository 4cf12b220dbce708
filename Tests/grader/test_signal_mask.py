"""A submission runs with no signal blocked, whoever started the grader: a Swift server's dispatch threads block
nearly every signal, and a spawned process inherits that mask, so without the reset `loop.add_signal_handler`,
`signal.alarm` or a SIGTERM a program sends itself would never be delivered (a predict-output key such as
`sigterm-graceful-shutdown` could not be proven by the server, and a student's program would behave otherwise than
on their own machine)."""
import json
import os
import signal
import subprocess

import pytest

LAUNCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'grader', 'launch')
BLOCKED = {signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGALRM, signal.SIGUSR1}
PROBE = ("import signal\n"
         "print(sorted(int(s) for s in signal.pthread_sigmask(signal.SIG_BLOCK, [])))\n")
SELF_TERM = next(q['code'] for q in json.load(open(os.path.join(os.path.dirname(LAUNCH), '..', 'questions.json')))
                 ['questions'] if q['id'] == 'sigterm-graceful-shutdown')


def run_with_blocked_signals(args, code):
    proc = subprocess.Popen([LAUNCH] + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=lambda: signal.pthread_sigmask(signal.SIG_BLOCK, BLOCKED))
    try:
        assert json.loads(proc.stdout.readline()) == {'ready': True}
        proc.stdin.write(json.dumps({'mode': 'run', 'code': code, 'timeout': 5}) + '\n')
        proc.stdin.flush()
        return json.loads(proc.stdout.readline())
    finally:
        proc.stdin.close()
        proc.kill()
        proc.wait()


@pytest.mark.parametrize('args', [[], ['--serve']], ids=['one-shot', 'serve'])
def test_the_submission_starts_with_no_signal_blocked(args):
    result = run_with_blocked_signals(args, PROBE)
    assert result['status'] == 'ok', result
    assert result['stdout'] == '[]\n', result


@pytest.mark.parametrize('args', [[], ['--serve']], ids=['one-shot', 'serve'])
def test_a_program_that_sends_itself_sigterm_ends_as_on_a_students_machine(args):
    result = run_with_blocked_signals(args, SELF_TERM)
    assert result['status'] == 'ok' and result['exit_code'] == 0, result
    assert result['stdout'].startswith('SIGTERM received\n'), result
