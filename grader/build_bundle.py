"""Compiles the grader's trusted modules and its question data into one marshal bundle for ./launch.

Run by ./launch (outside the sandbox, with /usr/bin/python3, the same interpreter that loads it) when the bundle
is missing or older than a source; writes atomically; prints nothing. `build_bundle.py PATH` writes PATH instead
(./launch does that in a temporary file when __pycache__ is not writable).

The bundle: (sys.version, [(module name, code)] in import order, harness code, data). The boot program in ./launch
installs each module in sys.modules in that order (each imports only those before it), then runs the harness
as __main__ with `_DATA` in its globals: {'bank': the bytes of code_questions.json}.
"""
import marshal
import os
import sys

D = os.path.dirname(os.path.abspath(__file__))
# Layers, bottom first: no module imports one listed after it.
MODULES = ['grader_limits', 'grader_seccomp', 'grader_child', 'grader_uses', 'grader_observe', 'grader_clock',
           'grader_messages', 'grader_checks', 'grader_vary', 'grader_spec', 'grader_engine', 'grader_judge']
SOURCES = [m + '.py' for m in MODULES] + ['harness.py', 'code_questions.json']


def compile_all(d=D):
    mods = []
    for m in MODULES:
        p = os.path.join(d, m + '.py')
        if os.path.exists(p):
            mods.append((m, compile(open(p, 'rb').read(), m, 'exec')))
    h = compile(open(os.path.join(d, 'harness.py'), 'rb').read(), 'harness', 'exec')
    data = {'bank': open(os.path.join(d, 'code_questions.json'), 'rb').read()}
    return mods, h, data


def install(mods, h, data, argv=None):
    """What ./launch's boot does, for tests that run the trusted side outside bubblewrap: -> the harness's globals
    (not run: call g['main']())."""
    for name, code in mods:
        m = type(sys)(name)
        sys.modules[name] = m
        exec(code, m.__dict__)
    g = {'__name__': 'harness', '_DATA': data}
    exec(h, g)
    return g


if __name__ == '__main__':
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(D, '__pycache__', 'bundle.marshal')
    mods, h, data = compile_all()
    os.makedirs(os.path.dirname(out) or '.', exist_ok=True)
    tmp = '%s.%d' % (out, os.getpid())
    with open(tmp, 'wb') as f:
        f.write(marshal.dumps((sys.version, mods, h, data)))
    os.replace(tmp, out)
