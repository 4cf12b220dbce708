# The question data's own checks, made before anything runs: every key of a question, its tasks, helpers, `opts`,
# checks and value expressions must be one the engine reads, every required option must be there, and every name a
# task refers to (a helper, an item, a token, a message key) must exist. A mistake in the data is the bank's fault,
# not the student's: `check_question` raises DataError with a message naming the question, the task, the check and
# the key (`task 'x': check 'calls': unknown option 'cuont' (known: ...)`), which grading answers as verdict `error`.
# docs/question.schema.json says the same (Tests/grader/test_spec.py checks that they agree).
# A question with `vary` (grader_vary: fresh variants per grading) is checked twice over: its draws and references
# first, then the plain data of a few of its variants (SAMPLE_SEEDS), as every grading checks its own variant.
from grader_messages import MESSAGES
from grader_vary import DataError, has_vary, check_question_vary, resolve_question

TOPICS = ('awaitables', 'coroutines', 'event-loop', 'non-blocking', 'single-threaded', 'tasks', 'cancellation-timeouts',
          'error-handling', 'synchronization', 'nested-async', 'async-iteration', 'async-oop', 'async-libraries')
# what a check may report (its `status`, `status_<key>`); a wrong solution may also name the statuses only the
# grader itself gives (memory_limit, output_limit, killed) and the verdict not_gradable
CHECK_STATUSES = ('wrong_answer', 'not_concurrent', 'not_cancelled', 'timeout', 'runtime_error', 'blocked_loop')
WRONG_STATUSES = CHECK_STATUSES + ('memory_limit', 'output_limit', 'killed', 'not_gradable')
USES = ('await', 'run', 'task', 'iterate', 'context', 'methods', 'thread')
NEEDS = ('async_function', 'async_gen', 'class', 'function')
KINDS = ('call', 'agen', 'store', 'connection', 'blocking')

GRADING_KEYS = ('entry', 'need', 'what', 'fname', 'module', 'modules', 'helpers', 'messages', 'style', 'tasks', 'vary')
# the rest of a question.json (or of a built bank's question): read by the server and the build, not the engine
META_KEYS = ('id', 'topic', 'title', 'difficulty', 'kind', 'prompt', 'explanation', 'starter', 'solution',
             'wrong_solutions', 'more_solutions', 'version', 'hints')
TASK_KEYS = ('name', 'hidden', 'use', 'args', 'opts', 'helpers', 'tokens', 'vlimit', 'checks', 'passed', 'messages',
             'vary')
OPTS = {'await': ('concurrent', 'cancel_at'), 'run': (), 'task': (), 'iterate': (),
        'context': ('sleep', 'raise', 'cancel_at', 'attrs', 'query'), 'methods': ('instances', 'calls'),
        'thread': ('concurrent',)}
METHOD_CALL_KEYS = ('method', 'obj', 'args', 'at')
STYLE_KEYS = ('forbid', 'require', 'message')
# helper keys, by kind (a `call` helper by how it serves its calls: per item, per attempt, or one way for all)
HELPER_KEYS = {
    'items': ('kind', 'proxy', 'error', 'items', 'delays', 'fail', 'results'),
    'sequence': ('kind', 'proxy', 'error', 'sequence', 'after'),
    'call': ('kind', 'proxy', 'error', 'delay', 'random_delay', 'result'),
    'agen': ('kind', 'error', 'count', 'delay', 'result', 'on_close'),
    'store': ('kind', 'initial', 'latency'),
    'connection': ('kind', 'connect', 'close', 'query'),
    'blocking': ('kind',),
}
SEQUENCE_KEYS = ('delay', 'fail')
AFTER_KEYS = ('delay', 'fail', 'message')
ON_CLOSE_KEYS = ('call', 'delay')
RESULT_FORMS = ('uniform', 'uniforms', 'value')

# each check: {option: required?}, and the message keys it reports (each may get a `status_<key>`; every check also
# takes `hint`). Options whose need depends on another (returns' relation, emits' values/count, bound's optional)
# are checked in _check_check.
CHECK_OPTIONS = {
    'no_raise': ({}, ('no_raise',)),
    'calls': ({'helper': True, 'once_each': False, 'count': False, 'args': False, 'not_before': False,
               'status': False}, ('calls.never', 'calls.twice', 'calls.count', 'calls.args', 'calls.early')),
    'finishes_by': ({'by': True, 'plus': False, 'tol': False, 'status': False, 'sequential_status': False},
                    ('late.plain', 'late.sequential', 'late.empty', 'late.one', 'late')),
    'returns': ({'relation': False, 'value': False, 'tol': False, 'lo': False, 'hi': False, 'helper': False},
                ('returns', 'returns.order', 'returns.empty', 'returns.close', 'returns.within', 'returns.lost',
                 'returns.not_ascending')),
    'returns_task': ({}, ('returns.task',)),
    'in_flight': ({'helper': True, 'peak': False, 'max': False, 'keep': False, 'status': False},
                  ('inflight.peak', 'inflight.max', 'inflight.keep')),
    'left_running': ({'helper': True}, ('left_running',)),
    'none_cancelled': ({'helper': True}, ('cancelled',)),
    'raises': ({'type': True, 'error_of': False, 'by': False, 'status': False},
               ('raises.returned', 'raises.group', 'raises.other', 'raises.late')),
    'retries': ({'helper': True, 'attempts': True, 'base': True},
                ('retries.many', 'retries.after_success', 'retries.never', 'retries.few', 'retries.gap',
                 'retries.swallowed', 'retries.wrong_exc', 'retries.wait_after', 'no_raise', 'returns')),
    'store': ({'add': True, 'helper': False}, ('store.lost', 'store.lost_one', 'store.more', 'store.type')),
    'bound': ({'is': False, 'optional': False}, ('bound.never', 'bound.self', 'bound.value', 'no_raise')),
    'closed': ({'helper': True, 'call': False, 'when': False}, ('closed.never', 'closed.twice', 'closed.unfinished')),
    'propagates': ({'what': True, 'status': False},
                   ('no_raise', 'propagates.cancel', 'propagates.swallowed', 'propagates.other')),
    'attr': ({'attr': True, 'close_to': True, 'tol': False}, ('attr.type', 'attr.value')),
    'emits': ({'values': False, 'count': False, 'within': False, 'every': False},
              ('emits.values', 'emits.count', 'emits.within', 'emits.time', 'emits.end', 'late.empty')),
    'gets': ({'helper': True}, ('gets.twice', 'gets.never', 'gets.value', 'gets.late')),
    'settled': ({'helper': True}, ('settled.shape', 'settled.exc', 'settled.value')),
    'blocking': ({'calls': True, 'helper': False}, ('blocking.never', 'blocking.args', 'blocking.count')),
    'rate': ({'helper': True, 'max': True, 'per': False}, ('rate.over',)),
}
RELATIONS = ('equals', 'close', 'within', 'completion_order')
# value expressions, in a check's options: {key: the other keys it may have}
VALUE_EXPRS = {'$results': (), '$result': (), '$token': (), '$dict_results': ('items',), '$work': (), '$works': (),
               '$call_result': (), '$conn': (), '$elapsed': (), '$arg': ()}
# argument expressions, in a task's `args` and `opts`
ARG_EXPRS = {'$helper': (), '$store': (), '$token': (), '$loop': (), '$queue': (), '$tuple': ()}
QUEUE_KEYS = ('arrivals', 'end')


SAMPLE_SEEDS = (0, 1, 2, 3)


def status_keys(check):
    return tuple('status_' + k.replace('.', '_') for k in CHECK_OPTIONS[check][1])


def check_options(check):
    """Every option a check accepts, sorted."""
    return sorted(set(CHECK_OPTIONS[check][0]) | {'check', 'hint'} | set(status_keys(check)))


def _known(where, d, keys, what='key'):
    if type(d) is not dict:
        raise DataError('%s: should be an object, not %s' % (where, _kind(d)))
    for k in d:
        if k not in keys:
            raise DataError('%s: unknown %s %r (known: %s)' % (where, what, k, ', '.join(sorted(keys))))


def _kind(v):
    return {dict: 'an object', list: 'a list', str: 'a string', bool: 'true/false', type(None): 'null'}.get(
        type(v), 'a number')


def _type(where, v, want):
    ok = {'str': type(v) is str, 'bool': type(v) is bool, 'list': type(v) is list, 'dict': type(v) is dict,
          'num': type(v) in (int, float), 'int': type(v) is int}[want]
    if not ok:
        names = {'str': 'a string', 'bool': 'true or false', 'list': 'a list', 'dict': 'an object',
                 'num': 'a number', 'int': 'an integer'}
        raise DataError('%s: should be %s, not %s' % (where, names[want], _kind(v)))


def _mode(h):
    kind = h.get('kind', 'call')
    if kind != 'call':
        return kind
    return 'items' if 'items' in h else 'sequence' if 'sequence' in h else 'call'


def check_helper(where, h):
    _type(where, h, 'dict')
    kind = h.get('kind', 'call')
    if kind not in KINDS:
        raise DataError('%s: kind %r is not one of %s' % (where, kind, ', '.join(KINDS)))
    mode = _mode(h)
    keys = HELPER_KEYS[mode]
    for k in h:
        if k not in keys:
            what = {'items': " with 'items'", 'sequence': " with 'sequence'", 'call': ''}.get(mode, " of kind %r" % kind)
            raise DataError('%s: unknown key %r%s (known: %s)' % (where, k, what, ', '.join(sorted(keys))))
    if h.get('proxy', 'call') not in ('call', 'task'):
        raise DataError('%s: proxy %r is not one of call, task' % (where, h['proxy']))
    if 'error' in h:
        _type(where + ": 'error'", h['error'], 'str')
    for k in ('delay', 'latency', 'connect', 'close', 'query'):
        if k in h:
            _type('%s: %r' % (where, k), h[k], 'num')
    if mode == 'items':
        _type(where + ": 'items'", h['items'], 'list')
        n = len(h['items'])
        if 'delays' not in h:
            raise DataError("%s: 'items' needs 'delays' (one number per item)" % where)
        for k in ('delays', 'results', 'fail'):
            if k in h:
                _type('%s: %r' % (where, k), h[k], 'list')
        for k in ('delays', 'results'):
            if k in h and len(h[k]) != n:
                raise DataError('%s: %r has %d entries for %d items' % (where, k, len(h[k]), n))
        for d in h['delays']:
            _type(where + ": 'delays'", d, 'num')
        for f in h.get('fail', []):
            if f not in h['items']:
                raise DataError("%s: 'fail' names %r, which is not one of the items" % (where, f))
    if mode == 'sequence':
        _type(where + ": 'sequence'", h['sequence'], 'list')
        for k, o in enumerate(h['sequence']):
            _known('%s: sequence[%d]' % (where, k), o, SEQUENCE_KEYS)
        if 'after' in h:
            _known(where + ": 'after'", h['after'], AFTER_KEYS)
    if 'random_delay' in h:
        rd = h['random_delay']
        if type(rd) is not list or len(rd) != 2 or not all(
                type(b) in (int, float) or (type(b) is str and b[:4] == '$arg' and b[4:].isdigit()) for b in rd):
            raise DataError("%s: 'random_delay' should be [lo, hi], each a number or \"$arg0\", \"$arg1\"..." % where)
    if 'result' in h:
        r = h['result']
        if r != 'delay':
            if type(r) is not dict or len(r) != 1 or next(iter(r)) not in RESULT_FORMS:
                raise DataError("%s: 'result' should be \"delay\", {\"uniform\": [lo, hi]}, {\"uniforms\": [n, lo, "
                                "hi]} or {\"value\": any}" % where)
    if 'on_close' in h:
        _known(where + ": 'on_close'", h['on_close'], ON_CLOSE_KEYS)
        if type(h['on_close'].get('call')) is not str:
            raise DataError("%s: 'on_close' needs 'call' (the name of the clean-up call)" % where)
    if 'count' in h:
        _type(where + ": 'count'", h['count'], 'int')
    if 'initial' in h:
        _type(where + ": 'initial'", h['initial'], 'list')


def check_messages(where, m):
    _type(where, m, 'dict')
    for k, v in m.items():
        if k != 'deadlock' and k not in MESSAGES:
            raise DataError('%s: unknown message key %r (see MESSAGES in grader/grader_messages.py, or "deadlock")'
                            % (where, k))
        _type('%s: %r' % (where, k), v, 'str')


class _Task:
    """What the checks of one task may refer to."""

    def __init__(self, where, helpers, tokens, fns):
        self.where, self.helpers, self.tokens, self.fns = where, helpers, tokens, fns

    def helper(self, where, name, mode=None):
        if name not in self.helpers:
            raise DataError('%s: no helper %r in this task (helpers: %s)' % (where, name,
                                                                            ', '.join(sorted(self.helpers)) or 'none'))
        h = self.helpers[name]
        if mode and _mode(h) != mode:
            raise DataError('%s: helper %r has no %r' % (where, name, mode))
        return h

    def fn(self, where, name):
        """A name calls are traced under: a helper, or one of its functions (connection: connect, close, query;
        an agen's on_close call)."""
        if type(name) is not str or name not in self.fns:
            raise DataError('%s: %r is not a call the grader serves in this task (calls: %s)'
                            % (where, name, ', '.join(sorted(self.fns)) or 'none'))

    def item(self, where, name, item):
        h = self.helper(where, name, 'items')
        if item not in h['items']:
            raise DataError('%s: %r is not one of the items of %r' % (where, item, name))

    def _walk(self, where, v, exprs, place, each):
        """Finds each expression in `v` (a dict with a `$` key, nested anywhere in lists and dicts), checks that it
        is one of `exprs` (said to be known in `place`) with only its own options, and calls each(e, x) for it."""
        if type(v) is list:
            for x in v:
                self._walk(where, x, exprs, place, each)
            return
        if type(v) is not dict:
            return
        ek = [k for k in v if k.startswith('$')]
        if not ek:
            for x in v.values():
                self._walk(where, x, exprs, place, each)
            return
        e = ek[0]
        if e not in exprs:
            raise DataError('%s: unknown expression %r (known in %s: %s)' % (where, e, place, ', '.join(exprs)))
        _known('%s: %r' % (where, e), v, (e,) + exprs[e])
        each(e, v[e], v)

    def arg(self, where, v):
        def each(e, x, _):
            if e == '$helper':
                self.helper(where, x)
            elif e == '$token' and x not in self.tokens:
                raise DataError("%s: no token %r in this task's 'tokens'" % (where, x))
            elif e == '$queue':
                _known(where + ': $queue', x, QUEUE_KEYS)
            elif e == '$tuple':
                self.arg(where, x)
        self._walk(where, v, ARG_EXPRS, 'args and opts', each)

    def value(self, where, v):
        def each(e, x, v):
            if e in ('$results', '$dict_results'):
                self.helper(where, x, 'items')
                for i in v.get('items', []):
                    self.item(where, x, i)
            elif e == '$result':
                if type(x) is not list or len(x) != 2:
                    raise DataError('%s: $result should be [helper, item]' % where)
                self.item(where, x[0], x[1])
            elif e == '$token' and x not in self.tokens:
                raise DataError("%s: no token %r in this task's 'tokens'" % (where, x))
            elif e == '$call_result':
                if type(x) is not list or len(x) != 2 or type(x[1]) is not int:
                    raise DataError('%s: $call_result should be [call, k]' % where)
                self.fn(where, x[0])
            elif e == '$elapsed':
                _type(where + ': $elapsed', x, 'num')
            elif e == '$works':
                _type(where + ': $works', x, 'list')
                self.value(where, x)
            elif e == '$work':
                self.value(where, x)
        self._walk(where, v, VALUE_EXPRS, 'checks', each)


def _check_check(t, where, p):
    _type(where, p, 'dict')
    name = p.get('check')
    if name not in CHECK_OPTIONS:
        raise DataError("%s: unknown check %r (known: %s)" % (where, name, ', '.join(sorted(CHECK_OPTIONS))))
    opts, _ = CHECK_OPTIONS[name]
    known = check_options(name)
    for k in p:
        if k not in known:
            raise DataError('%s: unknown option %r (known: %s)' % (where, k, ', '.join(
                k for k in known if k != 'check')))
    for k, req in opts.items():
        if req and k not in p:
            raise DataError('%s: missing option %r' % (where, k))
    for k, v in p.items():
        if k.startswith('status') or k == 'sequential_status':
            if v not in CHECK_STATUSES:
                raise DataError('%s: %r is %r, not one of %s' % (where, k, v, ', '.join(CHECK_STATUSES)))
        elif k in ('hint', 'call', 'when', 'type', 'attr'):
            _type('%s: %r' % (where, k), v, 'str')
        elif k in ('once_each', 'keep', 'optional'):
            _type('%s: %r' % (where, k), v, 'bool')
        elif k in ('tol', 'plus'):
            _type('%s: %r' % (where, k), v, 'num')
        elif k != 'check':
            t.value('%s: %r' % (where, k), v)
    h = p.get('helper')
    if h is not None:
        if name in ('store', 'blocking', 'retries', 'gets', 'settled'):
            t.helper(where, h, {'retries': 'sequence', 'gets': 'items', 'settled': 'items', 'store': 'store',
                                'blocking': 'blocking'}[name])
        else:
            t.fn(where, h)
    if name == 'store' and 'helper' not in p:
        t.helper(where + " (helper 'store', the default)", 'store', 'store')
    if name == 'blocking' and 'helper' not in p:
        t.helper(where + " (helper 'work', the default)", 'work', 'blocking')
    if name == 'calls' and p.get('once_each'):
        t.helper(where + ': once_each', h, 'items')
    if name == 'finishes_by':
        by = p['by']
        if type(by) is dict and not any(k.startswith('$') for k in by):
            _known(where + ": 'by'", by, ('max_delay', 'min_delay'))
            if len(by) != 1:
                raise DataError("%s: 'by' should be a number, a value expression, or one of {\"max_delay\": helper}, "
                                "{\"min_delay\": helper}" % where)
            t.fn(where + ": 'by'", next(iter(by.values())))
    if name == 'returns':
        rel = p.get('relation', 'equals')
        if rel not in RELATIONS:
            raise DataError('%s: relation %r is not one of %s' % (where, rel, ', '.join(RELATIONS)))
        need = {'equals': ('value',), 'close': ('value',), 'within': ('lo', 'hi'), 'completion_order': ('helper',)}[rel]
        allowed = {'equals': ('value',), 'close': ('value', 'tol'), 'within': ('lo', 'hi'),
                   'completion_order': ('helper',)}[rel]
        for k in need:
            if k not in p:
                raise DataError('%s: relation %r needs option %r' % (where, rel, k))
        for k in ('value', 'tol', 'lo', 'hi', 'helper'):
            if k in p and k not in allowed:
                raise DataError('%s: option %r is not used with relation %r (it uses: %s)'
                                % (where, k, rel, ', '.join(allowed)))
    if name == 'in_flight' and 'peak' not in p and 'max' not in p:
        raise DataError("%s: needs 'peak' or 'max' (or both)" % where)
    if name == 'emits':
        if ('values' in p) == ('count' in p):
            raise DataError("%s: needs either 'values' or 'count'" % where)
        if 'within' in p and (type(p['within']) is not list or len(p['within']) != 2):
            raise DataError("%s: 'within' should be [lo, hi]" % where)
    if name == 'bound' and 'is' not in p and not p.get('optional'):
        raise DataError("%s: missing option 'is' (\"self\" or a value)" % where)
    if name == 'raises' and 'error_of' in p:
        eo = p['error_of']
        if type(eo) is not list or len(eo) != 2:
            raise DataError("%s: 'error_of' should be [helper, item]" % where)
        t.item(where + ": 'error_of'", eo[0], eo[1])


def check_question(d):
    """Raises DataError naming the first mistake in a question's data. With `vary`: its draws and references, then
    the variants of SAMPLE_SEEDS as plain data (a mistake found there names the seed)."""
    tasks = d.get('tasks') if type(d) is dict else None
    if not (type(tasks) is list and tasks and all(type(t) is dict and type(t.get('name')) is str for t in tasks)):
        return check_plain(d)
    qwhere = 'question %r' % d.get('id')
    _known(qwhere, d, GRADING_KEYS + META_KEYS)
    check_question_vary(qwhere, d)          # also: no {"$vary": name} or "{$name}" without its draw
    if not has_vary(d):
        return check_plain(d)
    for seed in SAMPLE_SEEDS:
        v = resolve_question(d, seed)
        try:
            check_plain(v)
        except DataError as e:
            raise DataError('%s (in the variant of seed %d)' % (e, seed))


def check_plain(d):
    """check_question for data without draws (a variant): every key known, every name defined."""
    qwhere = 'question %r' % d.get('id')
    _known(qwhere, d, GRADING_KEYS + META_KEYS)
    if 'topic' in d and d['topic'] not in TOPICS:
        raise DataError('%s: topic %r is not one of %s' % (qwhere, d['topic'], ', '.join(TOPICS)))
    if d.get('need', 'async_function') not in NEEDS:
        raise DataError('%s: need %r is not one of %s' % (qwhere, d['need'], ', '.join(NEEDS)))
    for k in ('entry', 'what', 'fname', 'module'):
        if k in d:
            _type('%s: %r' % (qwhere, k), d[k], 'str')
    qhelpers = d.get('helpers') or {}
    _type(qwhere + ": 'helpers'", qhelpers, 'dict')
    for n, h in qhelpers.items():
        check_helper('%s: helper %r' % (qwhere, n), h)
    check_messages(qwhere + ": 'messages'", d.get('messages') or {})
    for k, r in enumerate(d.get('style') or []):
        w = '%s: style rule %d' % (qwhere, k + 1)
        _known(w, r, STYLE_KEYS)
        if ('forbid' in r) == ('require' in r):
            raise DataError("%s: needs either 'forbid' or 'require'" % w)
    for key, keys, req in (('wrong_solutions', ('file', 'code', 'status', 'why'), ('status', 'why')),
                           ('more_solutions', ('file', 'why'), ('file',))):
        for k, w in enumerate(d.get(key) or []):
            ww = '%s: %s[%d]' % (qwhere, key, k)
            _known(ww, w, keys)
            for r in req:
                if r not in w:
                    raise DataError('%s: missing key %r' % (ww, r))
            if key == 'wrong_solutions' and w['status'] not in WRONG_STATUSES:
                raise DataError('%s: status %r is not one of %s' % (ww, w['status'], ', '.join(WRONG_STATUSES)))
    mods = d.get('modules') or {}
    _type(qwhere + ": 'modules'", mods, 'dict')
    for m, attrs in mods.items():
        _type('%s: module %r' % (qwhere, m), attrs, 'dict')
    tasks = d.get('tasks')
    if type(tasks) is not list or not tasks:
        raise DataError('%s: needs a non-empty "tasks" list' % qwhere)
    names = set()
    for k, td in enumerate(tasks):
        tw = '%s: task %d' % (qwhere, k + 1)
        _type(tw, td, 'dict')
        if type(td.get('name')) is str:
            tw = '%s: task %r' % (qwhere, td['name'])
        _known(tw, td, TASK_KEYS)
        for req in ('name', 'checks'):
            if req not in td:
                raise DataError('%s: missing key %r' % (tw, req))
        _type(tw + ": 'name'", td['name'], 'str')
        if td['name'] in names:
            raise DataError('%s: two tasks have this name' % tw)
        names.add(td['name'])
        use = td.get('use', 'await')
        if use not in USES:
            raise DataError('%s: use %r is not one of %s' % (tw, use, ', '.join(USES)))
        for key, typ in (('hidden', 'bool'), ('vlimit', 'num'), ('passed', 'str'), ('args', 'list'),
                         ('checks', 'list'), ('tokens', 'dict'), ('helpers', 'dict'), ('opts', 'dict')):
            if key in td:
                _type('%s: %r' % (tw, key), td[key], typ)
        helpers = dict(qhelpers)
        for n, h in (td.get('helpers') or {}).items():
            check_helper('%s: helper %r' % (tw, n), h)
            helpers[n] = h
        for m, attrs in mods.items():
            for a, hn in attrs.items():
                if hn not in helpers:
                    raise DataError('%s: module %r: %r names no helper of this task (helpers: %s)'
                                    % (tw, m, a, ', '.join(sorted(helpers)) or 'none'))
        check_messages(tw + ": 'messages'", td.get('messages') or {})
        fns = set()
        for n, h in helpers.items():
            fns.update({'store': ('get', 'set'), 'connection': ('connect', 'close', 'query')}.get(
                h.get('kind', 'call'), (n,)))
            if 'on_close' in h:
                fns.add(h['on_close']['call'])
        t = _Task(tw, helpers, td.get('tokens') or {}, fns)
        t.arg(tw + ": 'args'", td.get('args', []))
        o = td.get('opts') or {}
        _known(tw + ": 'opts' (use %r)" % use, o, OPTS[use])
        t.arg(tw + ": 'opts'", o)
        if use == 'methods':
            if 'calls' not in o:
                raise DataError("%s: use 'methods' needs opts 'calls'" % tw)
            for k2, c in enumerate(o['calls']):
                cw = '%s: opts calls[%d]' % (tw, k2)
                _known(cw, c, METHOD_CALL_KEYS)
                if 'method' not in c:
                    raise DataError("%s: missing key 'method'" % cw)
        if 'concurrent' in o:
            if type(o['concurrent']) is not list or not all(type(a) is list for a in o['concurrent']):
                raise DataError("%s: opts 'concurrent' should be a list of argument lists" % tw)
        seen = {}
        for p in td['checks']:
            cn = p.get('check') if type(p) is dict else None
            seen[cn] = seen.get(cn, 0) + 1
            cw = '%s: check %r' % (tw, cn) + (' (number %d of its kind)' % seen[cn] if seen[cn] > 1 else '')
            _check_check(t, cw, p)
