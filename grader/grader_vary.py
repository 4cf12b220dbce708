# Fresh variants of a code question's example tasks: a question or a task may declare `vary`, an object of named
# draws made by a seeded generator, and refer to them anywhere in its helpers, args, opts, checks, passed and
# messages, as {"$vary": name} (the value itself) or as "{$name}" inside a string (its text). Every grading draws
# them from RNGs seeded by (the grading's seed, the question id, the task name, the draw's name): the same seed
# always gives the same variant (a regrade grades the same tasks again), another seed another one, whatever the
# order of the keys of the data. The draws are resolved BEFORE the task is checked and run, so the engine only ever
# sees plain data: every check and message works on the values of the variant. Data only: each draw is one
# generator of GENERATORS, never code; every value drawn, and the variant as a whole, is bounded in size (a bank
# is a teacher's upload: its draws must not make the grader build anything huge).
#
# DataError lives here (the bottom of the data layer) and grader_spec re-exports it: the spec checks both.
import hashlib
import json
import random
import re


class DataError(ValueError):
    """A mistake in a question's data: the bank's fault, answered as verdict `error` with this message."""


# each generator: the form of its argument, for messages. Random ones draw from the RNG; the others compute from
# other draws (so that a check's expected value follows the variant: the fastest item, the first failure...).
GENERATORS = {
    'int': '[lo, hi]: an integer lo <= x <= hi',
    'uniform': '[lo, hi]: a number lo <= x <= hi',
    'uniforms': '[n, lo, hi]: a list of n numbers, each lo <= x <= hi',
    'choice': 'a list: one of its elements',
    'sample': '[list, k]: k different elements of list, in random order',
    'shuffle': 'a list: its elements in random order',
    'index': 'n: an integer 0 <= x < n',
    'at': '[list, k]: the element k (from 0) of list',
    'insert': '[list, k, value]: list with value inserted before element k',
    'concat': '[list, list, ...]: the lists joined',
    'repeat': '[value, n]: a list of n copies of value',
    'range': '[start, stop]: the integers start <= x < stop',
    'min': 'a list of numbers: the smallest',
    'max': 'a list of numbers: the largest',
    'sum': 'a list of numbers: their sum',
    'len': 'a list: its length',
    'sorted': 'a list of numbers (or of strings): sorted ascending',
    'add': '[a, b]: a + b (numbers)',
}
RANDOM = ('int', 'uniform', 'uniforms', 'choice', 'sample', 'shuffle', 'index')
ARITY = {'int': 2, 'uniform': 2, 'uniforms': 3, 'sample': 2, 'at': 2, 'insert': 3, 'range': 2, 'add': 2, 'repeat': 2}
MODIFIERS = ('round', 'distinct')          # round: digits of every number drawn; distinct (uniforms): no two equal
MAX_LIST = 1000
MAX_TEXT = 100000                  # characters of JSON: one value drawn, and all the values put in one variant (x10)
NAME = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')
TEMPLATE = re.compile(r'\{\$([A-Za-z_][A-Za-z0-9_]*)\}')
# the task keys draws may appear in (its `name` stays fixed: results and item analysis count statuses per name)
TASK_VARIED = ('helpers', 'args', 'opts', 'checks', 'passed', 'messages', 'tokens', 'vlimit')
QUESTION_VARIED = ('helpers', 'messages')
QUESTION_FIXED = ('entry', 'need', 'what', 'fname', 'module', 'modules', 'style')   # the rest is the server's text


def rng_for(seed, qid, task, name):
    """The RNG of one draw of a task (task None: of the question). Seeded by a hash, not by the task's own seed
    (which the submission's process gets for `random`): nothing the submission holds tells the next variant."""
    key = json.dumps(['vary', seed, qid, task, name]).encode()
    return random.Random(int.from_bytes(hashlib.sha256(key).digest(), 'big'))


# ---- the static check (before any grading) ----

def check_draws(where, vary, known):
    """Each draw of a `vary` object (of the question or task `where`): one known generator, modifiers of the right
    type, references only to draws that exist (this object's, or `known`: the question's), none depending on itself.
    -> the names it adds, sorted."""
    if type(vary) is not dict:
        raise DataError("%s: 'vary': should be an object of named draws, not %s" % (where, _kind(vary)))
    names = sorted(set(known) | set(vary))
    for name, spec in vary.items():
        w = '%s: vary %r' % (where, name)
        if not NAME.match(name):
            raise DataError('%s: a draw name is letters, digits and _ (it is written "$%s" and "{$%s}")'
                            % (w, name, name))
        if name in known:
            raise DataError("%s: the question already has a draw of this name" % w)
        if type(spec) is not dict:
            raise DataError('%s: should be an object with one generator, e.g. {"int": [1, 5]}, not %s'
                            % (w, _kind(spec)))
        gens = [k for k in spec if k not in MODIFIERS]
        for k in gens:
            if k not in GENERATORS:
                raise DataError('%s: unknown generator %r (known: %s)' % (w, k, ', '.join(sorted(GENERATORS))))
        if len(gens) != 1:
            raise DataError('%s: needs exactly one generator (known: %s)' % (w, ', '.join(sorted(GENERATORS))))
        gen = gens[0]
        arg = spec[gen]
        if gen in ARITY and (type(arg) is not list or len(arg) != ARITY[gen]):
            raise DataError('%s: %r should be %s' % (w, gen, GENERATORS[gen]))
        if 'round' in spec and (type(spec['round']) is not int or not 0 <= spec['round'] <= 6):
            raise DataError("%s: 'round' should be an integer from 0 to 6 (digits after the point)" % w)
        if 'distinct' in spec and (gen != 'uniforms' or type(spec['distinct']) is not bool):
            raise DataError("%s: 'distinct' is true or false, and only for 'uniforms'" % w)
        for ref in _refs(arg):
            if ref not in names:
                raise DataError('%s: "$%s" names no draw (draws: %s)' % (w, ref, ', '.join(names)))
    for name in sorted(vary):                       # no circle: a draw cannot depend on itself
        _order(vary, name, [], set(known), where)
    return sorted(vary)


def _order(vary, name, path, done, where):
    """Makes sure every draw `name` depends on can be made first (depth first, `path` the draws in progress)."""
    if name in done:
        return
    if name in path:
        circle = path[path.index(name):] + [name]
        raise DataError('%s: vary %r: the draws depend on each other in a circle: %s'
                        % (where, circle[0], ' -> '.join(circle)))
    spec = vary[name]
    gen = next(k for k in spec if k not in MODIFIERS)
    for ref in _refs(spec[gen]):
        _order(vary, ref, path + [name], done, where)
    done.add(name)


def check_refs(where, v, names):
    """Every {"$vary": name} and "{$name}" in v names a draw of `names`."""
    if type(v) is list:
        for x in v:
            check_refs(where, x, names)
    elif type(v) is dict:
        if '$vary' in v:
            if len(v) != 1 or type(v['$vary']) is not str:
                raise DataError('%s: {"$vary": name} should have that one key, and name a draw' % where)
            if v['$vary'] not in names:
                raise DataError('%s: {"$vary": %s} names no draw (draws: %s)'
                                % (where, json.dumps(v['$vary']), ', '.join(names) or 'none'))
            return
        for x in v.values():
            check_refs(where, x, names)
    elif type(v) is str:
        for m in TEMPLATE.finditer(v):
            if m.group(1) not in names:
                raise DataError("%s: '{$%s}' names no draw (draws: %s)" % (where, m.group(1), ', '.join(names) or 'none'))


def _uses_draws(v):
    if type(v) is list:
        return any(_uses_draws(x) for x in v)
    if type(v) is dict:
        return '$vary' in v or any(_uses_draws(x) for x in v.values())
    return type(v) is str and TEMPLATE.search(v) is not None


def has_vary(d):
    tasks = d.get('tasks')
    return 'vary' in d or (type(tasks) is list and any(type(t) is dict and 'vary' in t for t in tasks))


def check_question_vary(qwhere, d):
    """The draws and references of a question (before its variants are checked as plain data)."""
    qnames = check_draws(qwhere, d.get('vary', {}), [])
    for k, v in d.items():
        if k in QUESTION_VARIED:
            check_refs('%s: %r' % (qwhere, k), v, qnames)
        elif k in QUESTION_FIXED and _uses_draws(v):
            raise DataError("%s: %r cannot use draws: it is the same in every variant (the question's draws go in: "
                            "%s; a task's in: %s)" % (qwhere, k, ', '.join(QUESTION_VARIED), ', '.join(TASK_VARIED)))
    for k, td in enumerate(d['tasks']):
        tw = '%s: task %r' % (qwhere, td.get('name') if type(td.get('name')) is str else k + 1)
        names = sorted(qnames + check_draws(tw, td.get('vary', {}), qnames))
        for key, v in td.items():
            if key in TASK_VARIED:
                check_refs('%s: %r' % (tw, key), v, names)
            elif key != 'vary' and _uses_draws(v):        # the name and the rest stay the same in every variant
                raise DataError('%s: %r cannot use draws: it is the same in every variant (draws go in: %s)'
                                % (tw, key, ', '.join(TASK_VARIED)))


# ---- drawing a variant ----

def resolve_question(d, seed):
    """The question's data for one grading: every draw made, every reference replaced; no `vary` left."""
    qid = d.get('id')
    budget = [10 * MAX_TEXT]              # characters the references may put in, in all
    qvals = draw(d.get('vary', {}), seed, qid, None, {}, 'question %r' % qid)
    out = {k: v for k, v in d.items() if k != 'vary'}
    for k in QUESTION_VARIED:
        if k in d:
            out[k] = subst(d[k], qvals, budget)
    tasks = []
    for td in d['tasks']:
        vals = dict(qvals)
        vals.update(draw(td.get('vary', {}), seed, qid, td['name'], qvals,
                         'question %r: task %r' % (qid, td['name'])))
        tasks.append({k: subst(v, vals, budget) if k in TASK_VARIED else v for k, v in td.items() if k != 'vary'})
    out['tasks'] = tasks
    if budget[0] < 0:
        raise DataError('question %r: its draws put more than %d characters into one variant' % (qid, 10 * MAX_TEXT))
    return out


def draw(vary, seed, qid, task, known, where):
    """The values of one `vary` object. Each draw has a RNG of its own (rng_for), and those it uses are made first:
    the values do not depend on the order the draws are written in (a server may send the data with its keys in
    another order)."""
    vals = dict(known)
    out = {}

    def make(name):
        if name in out:
            return
        spec = vary[name]
        gen = next(k for k in spec if k not in MODIFIERS)
        for ref in _refs(spec[gen]):
            if ref in vary:
                make(ref)
        w = '%s: vary %r' % (where, name)
        x = _gen(w, gen, _deref(spec[gen], vals), rng_for(seed, qid, task, name), spec)
        if 'round' in spec:
            x = _round(x, spec['round'])
        if len(json.dumps(x)) > MAX_TEXT:
            raise DataError('%s: the value drawn is too large (more than %d characters of JSON)' % (w, MAX_TEXT))
        vals[name] = out[name] = x

    for name in sorted(vary):
        make(name)
    return out


def subst(v, vals, budget):
    """v with every reference replaced by its draw (`budget`: [characters left], spent by each one put in)."""
    if budget[0] < 0:
        return v                          # resolve_question says so
    if type(v) is list:
        return [subst(x, vals, budget) for x in v]
    if type(v) is dict:
        if '$vary' in v and len(v) == 1:
            t = json.dumps(vals[v['$vary']])
            budget[0] -= len(t)
            return json.loads(t)          # a copy: variants never share a list
        return {k: subst(x, vals, budget) for k, x in v.items()}
    if type(v) is str and '{$' in v:
        def put(m):
            if m.group(1) not in vals:
                return m.group(0)
            t = text(vals[m.group(1)])
            budget[0] -= len(t)
            return t
        return TEMPLATE.sub(put, v)
    return v


def text(x):
    """A draw's value inside a message: 2, 1.5, fetch's item 'a' as a, a list as JSON."""
    if type(x) is str:
        return x
    if type(x) is float:
        return repr(round(x, 6))
    return json.dumps(x)


def _refs(arg):
    """The draws a generator's argument names: every string "$name" in it, at any depth."""
    if type(arg) is str and arg.startswith('$'):
        return [arg[1:]]
    if type(arg) in (list, dict):
        return [r for x in (arg.values() if type(arg) is dict else arg) for r in _refs(x)]
    return []


def _deref(arg, vals):
    if type(arg) is str and arg.startswith('$'):
        return vals[arg[1:]]
    if type(arg) is list:
        return [_deref(x, vals) for x in arg]
    if type(arg) is dict:
        return {k: _deref(x, vals) for k, x in arg.items()}
    return arg


def _num(x):
    return type(x) in (int, float)


def _gen(w, gen, a, rng, spec):
    def need(ok, what=None):
        if not ok:
            got = json.dumps(a)
            raise DataError('%s: %r should be %s, not %s' % (w, gen, what or GENERATORS[gen],
                                                            got if len(got) <= 120 else got[:117] + '...'))

    def alist(x, nonempty=False):
        need(type(x) is list and len(x) <= MAX_LIST and (x or not nonempty))

    if gen == 'int':
        need(all(type(b) is int for b in a) and a[0] <= a[1], '[lo, hi] (integers) with lo <= hi')
        return rng.randint(a[0], a[1])
    if gen == 'uniform':
        need(all(_num(b) for b in a) and a[0] <= a[1], '[lo, hi] with lo <= hi')
        return rng.uniform(a[0], a[1])
    if gen == 'uniforms':
        n, lo, hi = a
        need(type(n) is int and 0 <= n <= MAX_LIST and _num(lo) and _num(hi) and lo <= hi,
             '[n, lo, hi] with 0 <= n <= %d and lo <= hi' % MAX_LIST)
        for _ in range(100):
            xs = [rng.uniform(lo, hi) for _ in range(n)]
            if 'round' in spec:
                xs = _round(xs, spec['round'])
            if not spec.get('distinct') or len(set(xs)) == len(xs):
                return xs
        raise DataError('%s: cannot draw %d distinct numbers from [%s, %s] at %s digits'
                        % (w, n, lo, hi, spec.get('round')))
    if gen == 'choice':
        alist(a, True)
        return rng.choice(a)
    if gen == 'sample':
        need(type(a[0]) is list and type(a[1]) is int and 0 <= a[1] <= len(a[0]) <= MAX_LIST,
             '[list, k] with 0 <= k <= the length of list')
        return rng.sample(a[0], a[1])
    if gen == 'shuffle':
        alist(a)
        a = list(a)
        rng.shuffle(a)
        return a
    if gen == 'index':
        need(type(a) is int and 1 <= a <= MAX_LIST, 'n, an integer from 1 to %d' % MAX_LIST)
        return rng.randrange(a)
    if gen == 'at':
        need(type(a[0]) is list and type(a[1]) is int and 0 <= a[1] < len(a[0]), '[list, k] with 0 <= k < length')
        return a[0][a[1]]
    if gen == 'insert':
        need(type(a[0]) is list and type(a[1]) is int and 0 <= a[1] <= len(a[0]) < MAX_LIST,
             '[list, k, value] with 0 <= k <= length')
        return a[0][:a[1]] + [a[2]] + a[0][a[1]:]
    if gen == 'concat':
        need(type(a) is list and all(type(x) is list for x in a) and sum(map(len, a)) <= MAX_LIST
             and len(json.dumps(a)) <= MAX_TEXT, '[list, list, ...], at most %d elements in all' % MAX_LIST)
        return [x for part in a for x in part]
    if gen == 'repeat':
        need(type(a[1]) is int and 0 <= a[1] <= MAX_LIST and len(json.dumps(a[0])) * a[1] <= MAX_TEXT,
             '[value, n] with 0 <= n <= %d, n copies within %d characters' % (MAX_LIST, MAX_TEXT))
        return [json.loads(json.dumps(a[0])) for _ in range(a[1])]
    if gen == 'range':
        need(all(type(b) is int for b in a) and 0 <= a[1] - a[0] <= MAX_LIST,
             '[start, stop] (integers) with start <= stop <= start + %d' % MAX_LIST)
        return list(range(a[0], a[1]))
    if gen in ('min', 'max', 'sum'):
        alist(a, gen != 'sum')
        need(all(_num(x) for x in a), 'a list of numbers')
        return {'min': min, 'max': max, 'sum': sum}[gen](a)
    if gen == 'len':
        alist(a)
        return len(a)
    if gen == 'sorted':
        alist(a)
        need(all(_num(x) for x in a) or all(type(x) is str for x in a), 'a list of numbers or a list of strings')
        return sorted(a)
    if gen == 'add':
        need(all(_num(b) for b in a), '[a, b] (numbers)')
        return a[0] + a[1]
    raise DataError('%s: unknown generator %r' % (w, gen))


def _round(x, digits):
    if type(x) is float:
        return round(x, digits)
    if type(x) is list:
        return [_round(v, digits) for v in x]
    return x


def _kind(v):
    return {dict: 'an object', list: 'a list', str: 'a string', bool: 'true/false', type(None): 'null'}.get(
        type(v), 'a number')
