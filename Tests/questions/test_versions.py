"""Every key of the bank on every Python it supports (the bank issue: "Prove every predict-output answer and every
proof on each Python the bank supports").

The sandbox runs Debian's 3.11 (test_bank.py proves every key there). This test runs the same programs on the other
CPython versions this kind of machine has under pyenv (3.12 and 3.13) and on /usr/bin/python3: the stdout must be the
key (trailing white space trimmed on each line and at the end, as the grader compares) and stderr must be empty. It
names the versions it checked, and fails when it finds fewer than two, so that a machine without them cannot pass
by checking nothing. A question whose output depends on the version must say in its prompt which version it asks
about and name it in `python` (then only that version is held to the key). Every variant of a predict-output question
is a program of its own here, held to its own key."""
import glob
import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BANK = json.loads((REPO / 'questions.json').read_text(encoding='utf-8'))['questions']
TIMEOUT = 20


def interpreters():
    found = {}
    for path in ['/usr/bin/python3'] + sorted(glob.glob(os.path.expanduser('~/.pyenv/versions/3.1[1-9]*/bin/python3'))):
        try:
            out = subprocess.run([path, '-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'],
                                 capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if out.returncode == 0:
            found.setdefault(out.stdout.strip(), path)
    # one interpreter per minor version (Debian's first): the patch releases of one minor agree on these programs
    per_minor = {}
    for version, path in found.items():
        per_minor.setdefault(version.rsplit('.', 1)[0], (version, path))
    return dict(per_minor.values())


PYTHONS = interpreters()


def programs():
    out = []
    for q in BANK:
        if q['kind'] == 'predict_output':
            out.append((q['id'], q['code'], q['answer'], q.get('python')))
            for i, v in enumerate(q.get('variants', [])[1:], start=1):  # variant 0 is the question's own program
                out.append(('%s:variant-%d' % (q['id'], i), v['code'], v['answer'], q.get('python')))
        elif q.get('proof'):
            out.append((q['id'] + ':proof', q['proof']['code'], q['proof']['output'], q.get('python')))
    return out


def norm(text):
    return '\n'.join(line.rstrip() for line in text.split('\n')).rstrip()


def test_versions_checked():
    print('\nPythons checked: ' + ', '.join('%s (%s)' % (v, p) for v, p in sorted(PYTHONS.items())))
    minors = {v.rsplit('.', 1)[0] for v in PYTHONS}
    assert len(minors) >= 2, 'only %s found: install 3.12 and 3.13 (pyenv) to prove the bank' % sorted(PYTHONS)


@pytest.mark.parametrize('version', sorted(PYTHONS))
def test_every_key_on(version):
    path = PYTHONS[version]

    def run(item):
        qid, code, key, only = item
        if only and not version.startswith(only):
            return None
        try:
            r = subprocess.run([path, '-I', '-c', code], capture_output=True, text=True, timeout=TIMEOUT, cwd='/tmp')
        except subprocess.TimeoutExpired:
            return '%s: timed out after %d s' % (qid, TIMEOUT)
        if norm(r.stdout) != norm(key):
            return '%s: printed %r, the key is %r' % (qid, norm(r.stdout)[:300], norm(key)[:300])
        if r.stderr.strip():
            return '%s: wrote to stderr: %s' % (qid, r.stderr.strip()[:300])
        return None

    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        problems = [p for p in pool.map(run, programs()) if p]
    assert not problems, 'on Python %s:\n' % version + '\n'.join(problems)
