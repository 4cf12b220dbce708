# The generic engine: a code question is DATA (docs/question.schema.json, docs/authoring.md); this module turns it
# into the example tasks the clock runs (grader_clock), serves the helpers the submission calls (parent side: every
# delay, result and exception is decided here, after the fork, from the task's data and its seeded RNG), and judges
# each task with the checks of grader_checks. No question id appears here.
import os, json, random, hashlib, sys
from grader_limits import GRADE_REAL_LIMIT, display_text
from grader_limits import _rmono, _r, _fmt
from grader_observe import Killed
from grader_clock import Grader
from grader_checks import CHECKS
from grader_spec import check_question, DataError
from grader_vary import has_vary, resolve_question
from grader_messages import MESSAGES, Fail, secs, show, exc_text, foreign_exc, explain_exc, norm
import re

USES = ('await', 'run', 'task', 'iterate', 'context', 'methods', 'thread')
NEEDS = ('async_function', 'async_gen', 'class', 'function')
PY = 'Python %s' % sys.version.split()[0]
_FIELD = re.compile(r'\{(\w+)\}')


def tok(prefix='r'):
    return '%s-%s' % (prefix, os.urandom(5).hex())


def key_of(v):
    return json.dumps(v, sort_keys=True)


def fill(template, kw):
    """A message template with {name} fields (no attribute or index access: templates are data)."""
    return _FIELD.sub(lambda m: str(kw[m.group(1)]) if m.group(1) in kw else m.group(0), template)


def canonical(d):
    return json.dumps(d, sort_keys=True, separators=(',', ':'), ensure_ascii=False)


def version_of(d):
    """A question's version: a hash of its canonical data (what the grader uses of it)."""
    return hashlib.sha256(canonical(d).encode()).hexdigest()[:16]


def task_seed(seed, k):
    return int.from_bytes(hashlib.sha256(('%d:%d' % (seed, k)).encode()).digest()[:6], 'big')


class Question:
    """One code question's grading data: `entry` (the name the submission defines), `need`, `what`, optional
    `module` (the file name it is loaded under), `modules` (modules it may import, whose functions are helpers the
    parent serves), `helpers`, `messages`, `style`, `tasks`."""

    def __init__(self, d, version=None):
        if type(d) is not dict or type(d.get('id')) is not str or type(d.get('entry')) is not str:
            raise DataError('a question needs an "id" and an "entry"')
        check_question(d)               # every key known, every option there, every name defined: or DataError
        self.id = d['id']
        self.raw = d
        self.varies = has_vary(d)
        self.data = {k: d[k] for k in ('entry', 'need', 'what', 'fname', 'module', 'modules', 'helpers',
                                       'messages', 'style', 'tasks', 'vary') if k in d}
        self.version = version or version_of(self.data)
        self.entry = d['entry']
        self.need = d.get('need', 'async_function')
        if self.need not in NEEDS:
            raise ValueError('need must be one of %s' % ', '.join(NEEDS))
        self.what = d.get('what') or '`%s`' % self.entry
        self.fname = d.get('fname') or self.entry
        self.messages = d.get('messages') or {}
        self.style = d.get('style') or []
        self.helpers = d.get('helpers') or {}
        self.modules = d.get('modules') or {}
        if type(d.get('tasks')) is not list or not d['tasks']:
            raise ValueError('a question needs a non-empty "tasks" list')
        self.tasks = [SpecTask(self, t) for t in d['tasks']]
        mods = {}
        for mname, attrs in self.modules.items():
            mods[mname] = {a: _proxy_of(self.helpers.get(h, {}), h) for a, h in attrs.items()}
        self.child_spec = {'entry': self.entry, 'need': self.need, 'module': d.get('module'), 'modules': mods}

    def variant(self, seed):
        """The question as one grading sees it: with `vary`, every draw made from `seed` (the grading's seed) and
        checked as plain data (DataError if a draw breaks it); the version stays the question's."""
        if not self.varies:
            return self
        return Question(resolve_question(self.raw, seed), self.version)

    def problem_msg(self, problem):
        e = self.entry
        if problem == 'missing':
            return 'Your code does not define `%s`. Define %s with exactly that name.' % (e, self.what)
        if problem == 'not_async':
            return '`%s` must be a coroutine function: write `async def %s(...)`, not `def`.' % (e, e)
        if problem == 'not_asyncgen':
            return ('`%s` must be an async generator: an `async def` function that uses `yield` '
                    '(not a function that returns a list).' % e)
        if problem == 'not_class':
            return '`%s` must be a class (`class %s: ...`).' % (e, e)
        if problem == 'not_plain':
            return ('`%s` must be a plain function: write `def %s(...)`, not `async def`; it is called without '
                    '`await`.' % (e, e))
        return 'Your code cannot be graded: %s.' % problem


def _proxy_of(h, name):
    kind = h.get('kind', 'call')
    if kind == 'store':
        return {'$p': 'store', 'id': 0}
    if kind == 'connection':
        return {'$p': 'connect'}
    if kind == 'blocking':
        return {'$p': 'work'}
    if kind == 'agen':
        return {'$p': 'agen', 'name': name, 'close': (h.get('on_close') or {}).get('call')}
    return {'$p': h.get('proxy', 'call'), 'name': name}


HELPER_FNS = {'store': ('get', 'set'), 'connection': ('connect', 'close', 'query'), 'blocking': ('work',)}


class SpecTask:
    """One example task, from data: how the submission is used (`use`, `args`, `opts`), what the grader provides
    (`helpers`, merged over the question's), and what counts as right (`checks`, then `passed`)."""
    vlimit = 60.0

    def __init__(self, q, d):
        self.q = q
        self.d = d
        self.name = d.get('name') or 'task'
        self.hidden = bool(d.get('hidden'))
        self.use = d.get('use', 'await')
        if self.use not in USES:
            raise ValueError('task %r: use must be one of %s' % (self.name, ', '.join(USES)))
        self.helpers = dict(q.helpers)
        self.helpers.update(d.get('helpers') or {})
        self.fns = {}
        for name, h in self.helpers.items():
            for fn in HELPER_FNS.get(h.get('kind', 'call'), (name,)):
                self.fns[fn] = name
            if (h.get('on_close') or {}).get('call'):
                self.fns[h['on_close']['call']] = name
        for c in d.get('checks', []):
            if c.get('check') not in CHECKS:
                raise ValueError('task %r: unknown check %r' % (self.name, c.get('check')))
        self.vlimit = float(d.get('vlimit', 60.0))
        self.seed = None
        self.fname = q.fname

    # -- the clock's interface --
    def setup(self, run):
        st = run.state
        st['names'] = {}
        st['tokens'] = {}
        st['h'] = {}
        st['errors'] = set()
        st['rng'] = random.Random(self.seed)
        for k, desc in (self.d.get('tokens') or {}).items():
            t = tok('v')
            st['tokens'][k] = t
            st['names'][t] = desc
        for name, h in self.helpers.items():
            hs = st['h'][name] = {'tok': {}, 'etok': {}, 'toks': [], 'n': 0}
            if 'error' in h:
                st['errors'].add(h['error'])
            kind = h.get('kind', 'call')
            for n, i in enumerate(h.get('items', [])):
                k = key_of(i)
                if 'results' in h:                  # declared values (e.g. the links of a page) instead of tokens
                    hs['tok'][k] = h['results'][n]
                else:
                    hs['tok'][k] = t = tok('r')
                    st['names'][t] = 'the result of %s' % self.label(name, [i])
                hs['etok'][k] = e = tok('e')
                st['names'][e] = 'the error of %s' % self.label(name, [i])
            for n, o in enumerate(h.get('sequence', [])):
                t = tok('e' if o.get('fail') else 'r')
                hs['toks'].append(t)
                st['names'][t] = ('the error of attempt %d' if o.get('fail') else 'the result of attempt %d') % (n + 1)
            if kind == 'store':
                init = h.get('initial', [40])
                hs['vals'] = list(init)
                hs['start'] = list(init)
            if kind == 'connection':
                hs['conn'] = None
            if kind == 'blocking':
                hs['got'] = []

    def label(self, fn, args):
        return '%s(%s)' % (fn, ', '.join(_short(a) for a in args))

    def args(self, run):
        return self.expr_args(run, self.d.get('args', []))

    def expr_args(self, run, v):
        if type(v) is list:
            return [self.expr_args(run, x) for x in v]
        if type(v) is dict:
            if '$helper' in v:
                return _proxy_of(self.helpers[v['$helper']], v['$helper'])
            if '$store' in v:
                return {'$p': 'store', 'id': v['$store']}
            if '$token' in v:
                return run.state['tokens'][v['$token']]
            if '$loop' in v:
                return {'$p': 'loop'}
            if '$queue' in v:
                qd = v['$queue']
                return {'$p': 'queue', 'arrivals': qd.get('arrivals', []), 'end': qd.get('end')}
            return {k: self.expr_args(run, x) for k, x in v.items()}
        return v

    def opts(self, run):
        o = self.expr_args(run, self.d.get('opts') or {})
        if 'concurrent' in o:
            o['concurrent'] = [[self.expr_args(run, a) for a in args] for args in self.d['opts']['concurrent']]
        return o

    def on_call(self, run, c):
        hname = self.fns.get(c.fn)
        if hname is None:
            return self.bad(run, c, 'RuntimeError', 'the grader has no %s() here' % c.fn)
        h = self.helpers[hname]
        hs = run.state['h'][hname]
        kind = h.get('kind', 'call')
        rng = run.state['rng']
        err = h.get('error', 'RuntimeError')
        if kind == 'store':
            lat = h.get('latency', 0.1)
            if c.fn == 'get' and len(c.args) == 1 and c.args[0] in range(len(hs['vals'])):
                return lat, True, hs['vals'][c.args[0]]
            if c.fn == 'set' and len(c.args) == 2 and c.args[0] in range(len(hs['vals'])):
                return lat, True, None
            return self.bad(run, c, 'RuntimeError', 'the grader has no %s() here' % c.fn)
        if kind == 'connection':
            if c.fn == 'connect' and not c.args:
                if hs['conn'] is not None:
                    return h.get('connect', 0.5), False, ['ConnectError', 'connect() was already called once']
                hs['conn'] = c.id
                return h.get('connect', 0.5), True, {'$conn': c.id}
            if c.fn == 'close' and c.args == [hs['conn']]:
                return h.get('close', 0.25), True, None
            if c.fn == 'query':
                return h.get('query', 0.1), True, 'pong'
            return self.bad(run, c, 'RuntimeError', 'the grader has no %s() here' % c.fn)
        if kind == 'agen' and c.fn != hname:      # the clean-up call its `finally` makes (`on_close`)
            return float(h['on_close'].get('delay', 0.0)), True, None
        n = hs['n']
        hs['n'] += 1
        if 'items' in h:
            if len(c.args) != 1 or key_of(c.args[0]) not in hs['tok']:
                return self.bad(run, c, err, 'no such item')
            k = key_of(c.args[0])
            i = [key_of(x) for x in h['items']].index(k)
            d = h['delays'][i]
            if c.args[0] in h.get('fail', []):
                return d, False, [err, hs['etok'][k]]
            return d, True, hs['tok'][k]
        if 'sequence' in h:
            if c.args:
                return self.bad(run, c, err, 'no arguments expected')
            seq = h['sequence']
            if n >= len(seq):
                a = h.get('after', {})
                return a.get('delay', 0.0), False, [err, a.get('message', 'too many attempts')]
            o = seq[n]
            return o.get('delay', 0.0), not o.get('fail'), (hs['toks'][n] if not o.get('fail') else [err, hs['toks'][n]])
        if kind == 'agen':
            if n >= h.get('count', 0):
                return 0.0, True, {'$stop': True}
            d = h.get('delay', 0.0)
            return d, True, self.make_result(h.get('result'), d, rng, hs)
        # a call whose delay is declared, or drawn from the task's seeded RNG ("random_delay": [lo, hi], where a
        # bound may be "$arg0": the call's first argument)
        if 'random_delay' in h:
            lo, hi = [self.bound(b, c) for b in h['random_delay']]
            if lo is None or hi is None or hi < lo:
                return self.bad(run, c, 'TypeError', 'the grader cannot serve %s' % c.label)
            d = rng.uniform(lo, hi)
        else:
            d = h.get('delay', 0.0)
        return d, True, self.make_result(h.get('result'), d, rng, hs)

    def bound(self, b, c):
        if type(b) is str and b.startswith('$arg'):
            try:
                v = c.args[int(b[4:])]
            except (IndexError, ValueError):
                return None
            return float(v) if type(v) in (int, float) and 0 <= v < 1e6 else None
        return float(b)

    def make_result(self, r, d, rng, hs):
        if r == 'delay':
            return d
        if type(r) is dict and 'uniform' in r:
            return rng.uniform(*r['uniform'])
        if type(r) is dict and 'uniforms' in r:
            n, lo, hi = r['uniforms']
            return [rng.uniform(lo, hi) for _ in range(n)]
        if type(r) is dict and 'value' in r:
            return r['value']
        t = tok('r')
        hs['toks'].append(t)
        return t

    def bad(self, run, c, err, msg):
        run.state.setdefault('bad', []).append(c.label)
        return 0.0, False, [err, msg]

    def on_end(self, run, c):
        hname = self.fns.get(c.fn)
        if c.fn == 'set' and hname:
            hs = run.state['h'][hname]
            hs['vals'][c.args[0]] = c.args[1]

    def on_cancel(self, run, c):
        pass

    def on_blocking(self, run, args):
        hname = self.fns.get('work')
        hs = run.state['h'][hname] if hname else {'got': [], 'tok': {}}
        key = key_of(args)
        hs['got'].append(args)
        if key not in hs['tok']:
            t = tok('w')
            hs['tok'][key] = t
            run.state['names'][t] = 'the result of work(%s)' % ', '.join(map(repr, args))
        return hs['tok'][key]

    def where(self, run):
        pend = [c.label for c in run.calls if c.end is None]
        s = 'at %s' % secs(run.now)
        if pend:
            s += ' while %s %s in progress' % (', '.join(pend[:4]), 'was' if len(pend) == 1 else 'were')
        return s

    def blocked_msg(self, run):
        return ('The event loop was blocked for more than 0.1 s %s: something ran on the loop without '
                'awaiting (time.sleep, a long computation, a blocking call or a threading lock). While it '
                'runs, no other task can make progress. In async code wait with `await asyncio.sleep(...)`, '
                'and run blocking functions with `await asyncio.to_thread(...)`.' % self.where(run))

    def direct_msg(self, run, b):
        call = b['call'].replace('work(', '%s(' % self.fns.get('work', 'work'), 1)     # the helper's own name
        for t, n in run.state.get('names', {}).items():
            call = call.replace(repr(t), n)
        return ('%s was called on the event loop\'s own thread, %s: the whole loop stopped until it returned. '
                'Hand it to a worker thread: `await asyncio.to_thread(func, *args)`.' % (call, 'at ' + secs(run.now)))

    def vlimit_msg(self, run, vlimit):
        return ('%s had not finished after %s (virtual time; this task needs far less). Is something '
                'waiting or repeating forever?' % (self.fname, secs(vlimit)))

    # -- judging --
    def check(self, run):
        """Calls the grader did not expect, then the task's checks in order, then its `passed` message. When the
        student's own code raised, the message starts with that exception (type, message, line) and what it means,
        even if a check also found a wrong result: the exception is the real story."""
        x = Ctx(self, run)
        bad = run.state.get('bad')
        if bad:
            status, msg = 'wrong_answer', '%s made a call the grader did not expect: %s.' % (self.fname, bad[0])
        elif run.done_at is None:
            status, msg = 'timeout', '%s never finished.' % self.fname
        else:
            try:
                for p in self.d.get('checks', []):
                    CHECKS[p['check']](x, p)
                status, msg = 'passed', fill(self.d.get('passed', 'Passed.'), x.fields())
            except Fail as f:
                status, msg = f.status, f.message
        if status == 'passed' or run.ok is not False or not foreign_exc(run, run.exc):
            return status, msg
        told = 'Your code raised %s.' % exc_text(run, run.exc)
        why = explain_exc(run.exc)
        if why:
            told += ' ' + why
        if status == 'runtime_error' and exc_text(run, run.exc) in msg:
            return 'runtime_error', told
        return 'runtime_error', told + ' (The check also found: %s)' % msg


def _short(v):
    s = json.dumps(v) if not isinstance(v, str) else repr(v)
    return s if len(s) <= 30 else s[:27] + '...'


class Ctx:
    """What a check sees: the parent's observations of one task (`run`) and the task's data."""

    def __init__(self, task, run):
        self.task, self.run = task, run
        self.opts = task.d.get('opts') or {}
        self.key_of = key_of
        self.label = task.label

    def fail(self, p, status, key, **kw):
        kw.setdefault('fname', self.task.fname)
        t = self.task.d.get('messages', {}).get(key) or self.task.q.messages.get(key) or MESSAGES[key]
        m = fill(t, kw)
        if p.get('hint'):
            m += ' ' + p['hint']
        raise Fail(p.get('status_' + key.replace('.', '_'), status), m)

    def fields(self):
        r = self.run
        return {'at': secs(r.done_at), 'fname': self.task.fname,
                'value': show(r, r.value) if r.ok else ''}

    def calls(self, fn):
        return [c for c in self.run.calls if c.fn == fn]

    def key(self, c):
        return key_of(c.args[0]) if c.args else '()'

    def helper(self, h):
        return self.task.helpers[h]

    def state(self, h):
        return self.run.state['h'][h]

    def delays(self, h, declared=False):
        hd = self.task.helpers.get(h, {})
        if declared and 'delays' in hd:
            return list(hd['delays'])
        return [c.due - c.start for c in self.calls(h) if c.due is not None]

    def emitted(self, tag):
        return [norm(v[1]) for t, v in self.run.emits if type(v) is list and len(v) == 2 and v[0] == tag]

    def value(self, e):
        run = self.run
        if type(e) is dict:
            if '$results' in e:
                h = e['$results']
                return [self.state(h)['tok'][key_of(i)] for i in self.helper(h)['items']]
            if '$result' in e:
                h, i = e['$result']
                return self.state(h)['tok'][key_of(i)]
            if '$token' in e:
                return run.state['tokens'][e['$token']]
            if '$dict_results' in e:              # optionally only of `items`
                h = e['$dict_results']
                return {'$dict': sorted(([i, self.state(h)['tok'][key_of(i)]] for i in e.get('items',
                                         self.helper(h)['items'])), key=repr)}
            if '$work' in e or '$works' in e:
                toks = self.state(self.task.fns.get('work', 'work'))['tok']
                return (toks.get(key_of(self.value(e['$work']))) if '$work' in e else
                        [toks.get(key_of(self.value(a))) for a in e['$works']])
            if '$call_result' in e:
                fn, k = e['$call_result']
                cs = [c for c in self.calls(fn) if c.end is not None and c.ok and not c.cancelled]
                return cs[k].value if k < len(cs) else None
            if '$conn' in e:
                cs = self.calls('connect')
                return {'$conn': cs[0].id} if cs else None
            if '$elapsed' in e:
                return (run.done_at or 0.0) / e['$elapsed']
            if '$arg' in e:
                return self.task.d['args'][e['$arg']]
        if type(e) is list:                        # a list of value expressions
            return [self.value(v) for v in e]
        return e


