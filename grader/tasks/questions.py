# Trusted task definitions: the timed example tasks of every code question.
# Loaded by the harness in the trusted parent (it is handed over on fd 4; the untrusted child
# never reads this file). Everything here runs in the parent: `setup` makes fresh random tokens
# after the child was forked, `on_call` decides how long each call the submission makes takes
# and what it returns, `check` turns what the parent observed (a `Run`) into a status + message.
#
# Names provided by the harness: Run, fmt.
import os
import re

EPS = 1e-6


def tok(prefix='r'):
    return '%s-%s' % (prefix, os.urandom(5).hex())


def norm(v):
    """A child value (JSON) -> comparable Python: tuples become lists."""
    if type(v) is dict and '$tuple' in v:
        return [norm(x) for x in v['$tuple']]
    if type(v) is list:
        return [norm(x) for x in v]
    return v


def is_exc(v):
    return type(v) is dict and '$exc' in v


def show(run, v, depth=0):
    """Plain-words rendering of a value the submission returned (tokens -> 'result of fetch(2)')."""
    names = run.state.get('names', {})
    if type(v) is str:
        if v in names:
            return names[v]
        return repr(v if len(v) <= 40 else v[:37] + '...')
    if type(v) is dict:
        if '$exc' in v:
            m = v.get('msg', '')
            return '%s(%s)' % (v['$exc'], names.get(m, repr(m[:60])))
        if '$tuple' in v:
            return '(' + ', '.join(show(run, x, depth + 1) for x in v['$tuple'][:8]) + (', ...' if len(v['$tuple']) > 8 else '') + ')'
        if '$dict' in v:
            return '{' + ', '.join('%s: %s' % (show(run, k, 1), show(run, x, 1)) for k, x in v['$dict'][:6]) + '}'
        if '$conn' in v:
            return 'a connection'
        if '$obj' in v:
            r = v.get('repr', '')
            if 'coroutine' in r:
                return 'a coroutine object (a missing `await`?)'
            if v['$obj'] in ('Task', 'Future', '_GatheringFuture'):
                return 'a %s object (a missing `await`?)' % v['$obj']
            return 'a %s object' % v['$obj']
    if type(v) is list:
        if depth > 2:
            return '[...]'
        return '[' + ', '.join(show(run, x, depth + 1) for x in v[:8]) + (', ...' if len(v) > 8 else '') + ']'
    return repr(v)


def exc_text(run, e):
    e = e or {}
    line = e.get('line')
    where = ' (line %s of your code)' % line if type(line) is int else ''
    m = e.get('msg', '')
    names = run.state.get('names', {})
    ms = names.get(m, repr(m[:200]) if m else '')
    s = '%s%s%s' % (e.get('$exc', 'an exception'), ': ' + ms if ms else '', where)
    if e.get('sub'):
        s += ' containing ' + ', '.join(exc_text(run, x) for x in e['sub'][:3])
    return s


# Exceptions the grader itself makes the submission see: its services' errors, cancellation, and timeouts.
GRADER_EXCEPTIONS = {'FetchError', 'OpError', 'ConnectError', 'CancelledError', 'TimeoutError'}
TOKEN = re.compile(r'^[a-z]+-[0-9a-f]{10}$')

# Plain-words explanations of what a student's own exception means, tried in order: (type, pattern in the message,
# explanation). The first that matches is used; the rules follow the Python docs' data model and asyncio chapters.
EXPLANATIONS = [
    ('TypeError', r'__aexit__\(\) (takes|missing)',
     'Python calls `__aexit__(self, exc_type, exc, tb)` with three arguments after `self` when the `async with` block '
     'ends (all None when it ended normally): declare all three.'),
    ('TypeError', r'__aenter__\(\) (takes|missing)', '`__aenter__` takes only `self`.'),
    ('TypeError', r'asynchronous context manager protocol|does not support the asynchronous context manager',
     '`async with` needs an object with `async def __aenter__` and `async def __aexit__`.'),
    ('TypeError', r"can't be used in 'await' expression|object is not awaitable",
     'Only awaitables can be awaited: a coroutine (the call of an `async def`), a Task or a Future. This value is '
     'none of them: is the function you called a plain `def`, or was its result awaited already?'),
    ('TypeError', r"'coroutine' object is not (iterable|subscriptable|callable)|unsupported operand.*'coroutine'",
     'A coroutine object was used as if it were its result: calling an `async def` only creates the coroutine; '
     '`await` it to run it and get its value.'),
    ('TypeError', r"'async_generator' object is not iterable",
     'An async generator is iterated with `async for` (or an async comprehension), not `for`.'),
    ('TypeError', r"'async for' requires|is not an async iterator|__anext__|__aiter__",
     '`async for` needs an async iterator: `__aiter__` returns it, and `async def __anext__` raises '
     'StopAsyncIteration at the end (or write an async generator: `async def` with `yield`).'),
    ('TypeError', r'positional argument|keyword argument|required argument',
     'A function was called with other arguments than it declares: compare the call with the signature.'),
    ('AttributeError', r"'coroutine' object has no attribute",
     'An attribute was read from a coroutine object: a missing `await` in front of the call.'),
    ('AttributeError', r'',
     'An attribute that does not exist was used: check the name, and that the object is the one you expect.'),
    ('UnboundLocalError', r'',
     'A variable was read before it was assigned in this function (assigning it anywhere in a function makes it '
     'local to the whole function).'),
    ('NameError', r'', 'A name was used that is not defined: a typo, or a missing import.'),
    ('RuntimeError', r'cannot reuse already awaited coroutine',
     'A coroutine object can be awaited only once: call the `async def` again for a new one.'),
    ('RuntimeError', r'cannot be called from a running event loop',
     'Inside async code the loop is already running: `await` the coroutine instead of calling asyncio.run().'),
    ('RuntimeError', r'no running event loop',
     'This needs a running event loop: call it from inside async code.'),
    ('RuntimeError', r'StopAsyncIteration|StopIteration',
     'A StopIteration or StopAsyncIteration escaped from a generator or coroutine; Python turns it into a '
     'RuntimeError (PEP 479). Return instead of raising it.'),
    ('RecursionError', r'', 'A function kept calling itself without end.'),
    ('ZeroDivisionError', r'', 'A division by zero: check the divisor, for example an empty list\'s length.'),
    ('KeyError', r'', 'A dictionary was asked for a key it does not hold.'),
    ('IndexError', r'', 'A list was indexed past its end.'),
    ('InvalidStateError', r'',
     'A Future or Task was asked for its result before it was done, or given a result twice.'),
]


def foreign_exc(run, e):
    """Is `e` (an exception description from the child) one the student's code raised itself, rather than one the
    grader made it see (its services' errors carrying the grader's tokens, cancellation, timeouts)?"""
    if type(e) is not dict:
        return False
    if e.get('sub'):
        return any(foreign_exc(run, x) for x in e['sub'])
    if e.get('$exc') in ('ExceptionGroup', 'BaseExceptionGroup'):
        return False
    m = e.get('msg', '')
    if m in run.state.get('names', {}) or TOKEN.match(m or '') or (m or '').startswith('the grader '):
        return False          # the grader's tokens, or its answer to a call it could not serve
    return e.get('$exc') not in GRADER_EXCEPTIONS


def explain_exc(e):
    """A plain-words explanation of an exception the student's code raised, or ''."""
    if type(e) is not dict:
        return ''
    if e.get('sub'):
        for x in e['sub']:
            s = explain_exc(x)
            if s:
                return s
        return ''
    name, msg = e.get('$exc', ''), e.get('msg', '')
    for typ, pat, text in EXPLANATIONS:
        if name == typ and re.search(pat, msg or ''):
            return text
    return ''


def secs(x):
    return '%s s' % fmt(x)


def list_secs(xs):
    return '[' + ', '.join(fmt(x) for x in xs) + ']'


def plural(n, one, many=None):
    """'1 call', '3 calls'; `many` when the plural is not one + 's'."""
    return '%d %s' % (n, one if n == 1 else (many or one + 's'))


def overlap_sequential(calls):
    """True if no two calls were ever in flight at the same time."""
    iv = sorted((c.start, c.end if c.end is not None else float('inf')) for c in calls)
    return all(iv[i + 1][0] >= iv[i][1] - EPS for i in range(len(iv) - 1))


class Question:
    def __init__(self, qid, entry, need, what, tasks):
        self.id = qid
        self.entry = entry
        self.need = need            # async_function | async_gen | class
        self.what = what
        self.tasks = tasks

    def problem_msg(self, problem):
        e = self.entry
        if problem == 'missing':
            return ('Your code does not define `%s`. Define %s with exactly that name.' % (e, self.what))
        if problem == 'not_async':
            return '`%s` must be a coroutine function: write `async def %s(...)`, not `def`.' % (e, e)
        if problem == 'not_asyncgen':
            return ('`%s` must be an async generator: an `async def` function that uses `yield` '
                    '(not a function that returns a list).' % e)
        if problem == 'not_class':
            return '`%s` must be a class (`class %s: ...`).' % (e, e)
        return 'Your code cannot be graded: %s.' % problem


class Task:
    driver = 'call'
    vlimit = 60.0
    fname = 'the function'

    def __init__(self, name, **kw):
        self.name = name
        self.__dict__.update(kw)

    def setup(self, run):
        pass

    def args(self, run):
        return []

    def opts(self, run):
        return {}

    def on_call(self, run, c):
        run.state.setdefault('bad', []).append(c.label)
        return 0.0, False, ['RuntimeError', 'the grader has no %s() here' % c.fn]

    def on_end(self, run, c):
        pass

    def on_cancel(self, run, c):
        pass

    def on_blocking(self, run, args):
        return None

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
        return ('%s was called on the event loop\'s own thread, %s: the whole loop stopped until it returned. '
                'Hand it to a worker thread: `return await asyncio.to_thread(func, *args)`.' % (b['call'], 'at ' + secs(run.now)))

    def vlimit_msg(self, run, vlimit):
        return ('%s had not finished after %s (virtual time; this task needs far less). Is something '
                'waiting or repeating forever?' % (self.fname, secs(vlimit)))

    def failure(self, run):
        """Common checks: calls the grader does not serve, exceptions. -> (status, msg) or None."""
        bad = run.state.get('bad')
        if bad:
            return 'wrong_answer', '%s made a call the grader did not expect: %s.' % (self.fname, bad[0])
        if run.done_at is None:
            return 'timeout', '%s never finished.' % self.fname
        return None

    def check(self, run):
        """The common failures first, then what this task checks (`judge`). -> (status, msg). When the student's
        own code raised, the message starts with that exception (type, message, line) and what it means, even if
        the judge also found a wrong result: the exception is the real story."""
        status, msg = self.failure(run) or self.judge(run)
        if status == 'passed' or run.ok is not False or not foreign_exc(run, run.exc):
            return status, msg
        told = 'Your code raised %s.' % exc_text(run, run.exc)
        why = explain_exc(run.exc)
        if why:
            told += ' ' + why
        if status == 'runtime_error' and exc_text(run, run.exc) in msg:
            return 'runtime_error', told
        return 'runtime_error', told + ' (The check also found: %s)' % msg

    def raised(self, run):
        return ('runtime_error', '%s raised %s.' % (self.fname, exc_text(run, run.exc)))


# ---------------------------------------------------------------------------------------------
# fetch-based tasks
# ---------------------------------------------------------------------------------------------

class FetchTask(Task):
    """items: list; delays: list (per position, items distinct); fails: set of failing items."""
    fails = ()
    extra = ()

    def setup(self, run):
        run.state['tok'] = {}
        run.state['etok'] = {}
        run.state['names'] = {}
        run.state['delay'] = dict(zip(self.items, self.delays))
        for i in self.items:
            t = tok('r')
            run.state['tok'][i] = t
            run.state['names'][t] = 'the result of fetch(%r)' % (i,)
            e = tok('e')
            run.state['etok'][i] = e
            run.state['names'][e] = 'the error of fetch(%r)' % (i,)

    def args(self, run):
        return [{'$p': 'fetch'}, list(self.items)] + list(self.extra)

    def on_call(self, run, c):
        if c.fn != 'fetch' or len(c.args) != 1 or c.args[0] not in run.state['delay']:
            run.state.setdefault('bad', []).append(c.label)
            return 0.0, False, ['FetchError', 'no such item']
        i = c.args[0]
        d = run.state['delay'][i]
        if i in self.fails:
            return d, False, ['FetchError', run.state['etok'][i]]
        return d, True, run.state['tok'][i]

    def expected(self, run):
        return [run.state['tok'][i] for i in self.items]

    def fetch_calls(self, run):
        return [c for c in run.calls if c.fn == 'fetch']

    def called_once_each(self, run):
        counts = {}
        for c in self.fetch_calls(run):
            counts[c.args[0]] = counts.get(c.args[0], 0) + 1
        for i in self.items:
            if counts.get(i, 0) == 0:
                return 'wrong_answer', '%s never called fetch(%r).' % (self.fname, i)
        for i, n in counts.items():
            if n > 1:
                return 'wrong_answer', '%s called fetch(%r) %d times; call it once per item.' % (self.fname, i, n)
        return None

    def late_msg(self, run, best):
        calls = self.fetch_calls(run)
        ds = list_secs(self.delays)
        if not self.items:
            return ('%s took %s although there was nothing to fetch: with no items there is nothing to wait for, '
                    'so return at once.' % (self.fname, secs(run.done_at)))
        if len(self.items) == 1:
            return ('%s took %s, but its one call, fetch(%r), took only %s: return as soon as it is done, '
                    'without waiting any longer.' % (self.fname, secs(run.done_at), self.items[0], secs(best)))
        if len(calls) > 1 and overlap_sequential(calls):
            return ('%s took %s for delays %s: the calls ran one after another. Start them together '
                    '(asyncio.gather or a TaskGroup) and the total is the longest, %s.'
                    % (self.fname, secs(run.done_at), ds, secs(best)))
        return ('%s took %s for delays %s; with all calls running at the same time it takes %s. '
                'Start every call before awaiting any of them.' % (self.fname, secs(run.done_at), ds, secs(best)))


class FetchAllTask(FetchTask):
    fname = 'fetch_all'

    def judge(self, run):
        if not run.ok:
            return self.raised(run)
        f = self.called_once_each(run)
        if f:
            return f
        exp = self.expected(run)
        res = norm(run.value)
        best = max(self.delays) if self.delays else 0.0
        if type(res) is list and sorted(map(str, res)) == sorted(exp) and run.done_at > best + EPS:
            return 'not_concurrent', self.late_msg(run, best)
        if res != exp:
            if type(res) is list and sorted(map(str, res)) == sorted(exp):
                return 'wrong_answer', ('%s returned the right results in the wrong order: %s. Return them in the '
                                        'order of `items` (asyncio.gather keeps that order; as_completed does not).'
                                        % (self.fname, show(run, res)))
            if not exp:
                return 'wrong_answer', ('%s returned %s; with no items it should return an empty list, [].'
                                        % (self.fname, show(run, run.value)))
            if len(exp) == 1:
                return 'wrong_answer', ('%s returned %s; expected a list holding the one result: %s.'
                                        % (self.fname, show(run, run.value), show(run, exp)))
            return 'wrong_answer', ('%s returned %s; expected a list of the %d results in the order of items: %s.'
                                    % (self.fname, show(run, run.value), len(exp), show(run, exp)))
        if not exp:
            return 'passed', 'Returned an empty list at once, as it should for no items.'
        if len(exp) == 1:
            return 'passed', 'Returned a list with the one result after %s, as soon as the call was done.' % secs(run.done_at)
        return 'passed', ('Returned the %d results in order after %s: all calls ran at the same time.'
                          % (len(exp), secs(run.done_at)))


class BoundedTask(FetchTask):
    fname = 'bounded_fetch'

    def args(self, run):
        return [{'$p': 'fetch'}, list(self.items), self.limit]

    def judge(self, run):
        if not run.ok:
            return self.raised(run)
        f = self.called_once_each(run)
        if f:
            return f
        calls = self.fetch_calls(run)
        n = len(self.items)
        L = self.limit
        times = sorted(set([0.0] + [c.start for c in calls] + [c.end for c in calls if c.end is not None]))
        for t in times:
            if t > run.done_at + EPS:
                break
            started = sum(1 for c in calls if c.start <= t + EPS)
            ended = sum(1 for c in calls if c.end is not None and c.end <= t + EPS)
            inflight = started - ended
            if inflight > L:
                return 'wrong_answer', ('At %s, %d calls were in flight, but the limit is %d. Never start more than '
                                        '`limit` calls at once (an asyncio.Semaphore(limit) around each call does it).'
                                        % (secs(t), inflight, L))
            if inflight < L and started < n and t < run.done_at - EPS:
                return 'not_concurrent', ('At %s only %d call%s in flight while %d item%s still waited (limit %d). '
                                          'Start the next call as soon as one finishes: no batches, no idle slots.'
                                          % (secs(t), inflight, ' was' if inflight == 1 else 's were', n - started,
                                             '' if n - started == 1 else 's', L))
        exp = self.expected(run)
        res = norm(run.value)
        if res != exp:
            if type(res) is list and sorted(map(str, res)) == sorted(exp):
                return 'wrong_answer', ('bounded_fetch returned the results in the wrong order: %s. Return them in '
                                        'the order of `items`.' % show(run, res))
            return 'wrong_answer', ('bounded_fetch returned %s; expected %s.' % (show(run, run.value), show(run, exp)))
        if L >= n:
            return 'passed', ('Returned the %d results in order after %s: the limit of %d was never reached, so all '
                              '%d calls ran at once.' % (n, secs(run.done_at), L, n))
        if L == 1:
            return 'passed', ('Returned the %d results in order after %s, one call at a time (limit 1) with no pause '
                              'between them.' % (n, secs(run.done_at)))
        return 'passed', ('Returned the %d results in order after %s, with at most %d calls in flight and no idle slot.'
                          % (n, secs(run.done_at), L))


class OrDefaultTask(FetchTask):
    fname = 'fetch_or_default'

    def setup(self, run):
        FetchTask.setup(self, run)
        run.state['default'] = tok('d')
        run.state['names'][run.state['default']] = 'the default'

    def args(self, run):
        return [{'$p': 'fetch'}, self.items[0], self.timeout, run.state['default']]

    def judge(self, run):
        if not run.ok:
            return self.raised(run)
        calls = self.fetch_calls(run)
        if len(calls) != 1:
            return 'wrong_answer', 'fetch_or_default should call fetch(%r) exactly once; it made %d calls.' % (self.items[0], len(calls))
        c = calls[0]
        d, T = self.delays[0], self.timeout
        res = norm(run.value)
        if d < T:
            if res != run.state['tok'][self.items[0]]:
                return 'wrong_answer', ('fetch(%r) finished after %s, within the %s timeout, so its result should be returned; '
                                        'got %s.' % (self.items[0], secs(d), secs(T), show(run, run.value)))
            if run.done_at > d + EPS:
                return 'wrong_answer', ('fetch(%r) finished after %s but fetch_or_default returned only at %s: do not wait '
                                        'for the whole timeout when the call is done.' % (self.items[0], secs(d), secs(run.done_at)))
            return 'passed', 'Returned the result after %s, within the %s timeout.' % (secs(d), secs(T))
        if res != run.state['default']:
            return 'wrong_answer', ('fetch(%r) takes %s, longer than the timeout of %s, so fetch_or_default should return the '
                                    'default; it returned %s.' % (self.items[0], secs(d), secs(T), show(run, run.value)))
        if run.done_at > T + EPS:
            return 'timeout', ('fetch_or_default returned the default only at %s; it should return as soon as the %s '
                               'timeout has passed (asyncio.wait_for or asyncio.timeout).' % (secs(run.done_at), secs(T)))
        if c in run.left:
            return 'not_cancelled', ('fetch_or_default returned the default at %s but left fetch(%r) running. Cancel it: '
                                     'asyncio.wait_for(...) does that for you, asyncio.wait(...) does not.'
                                     % (secs(run.done_at), self.items[0]))
        return 'passed', 'Returned the default at %s and cancelled the slow call.' % secs(T)


class FirstTask(FetchTask):
    fname = 'first_result'

    def judge(self, run):
        if not run.ok:
            return self.raised(run)
        f = self.called_once_each(run)
        if f:
            return f
        calls = self.fetch_calls(run)
        best = min(self.delays)
        winner = self.items[self.delays.index(best)]
        res = norm(run.value)
        if res != run.state['tok'][winner]:
            return 'wrong_answer', ('first_result returned %s; the first call to finish was fetch(%r) after %s, so its result '
                                    'is the answer.' % (show(run, run.value), winner, secs(best)))
        if run.done_at > best + EPS:
            if len(calls) > 1 and overlap_sequential(calls):
                return 'not_concurrent', ('first_result ran the calls one after another and returned at %s. Start them all '
                                          'together and return when the first one finishes (%s).' % (secs(run.done_at), secs(best)))
            return 'wrong_answer', ('first_result returned at %s, but the first call finished at %s: return as soon as one '
                                    'call is done (asyncio.wait(..., return_when=FIRST_COMPLETED)).' % (secs(run.done_at), secs(best)))
        left = [c.label for c in run.left if c.fn == 'fetch']
        if left:
            return 'not_cancelled', ('first_result returned at %s but left %s running. Cancel the other calls before '
                                     'returning.' % (secs(run.done_at), ', '.join(left)))
        if len(self.items) == 1:
            return 'passed', ('Returned the result of fetch(%r), the only call, at %s, as soon as it finished.'
                              % (winner, secs(best)))
        return 'passed', 'Returned the result of fetch(%r) at %s and cancelled the others.' % (winner, secs(best))


class SettledTask(FetchTask):
    fname = 'fetch_all_settled'

    def judge(self, run):
        if not run.ok:
            e = run.exc or {}
            return 'wrong_answer' if e.get('$exc') in ('FetchError', 'ExceptionGroup', 'BaseExceptionGroup') else 'runtime_error', (
                'fetch_all_settled raised %s. It should not raise: put each exception in the list, in the place of its '
                'item (asyncio.gather(..., return_exceptions=True)).' % exc_text(run, run.exc))
        f = self.called_once_each(run)
        if f:
            return f
        calls = self.fetch_calls(run)
        cancelled = [c.label for c in calls if c.cancelled]
        if cancelled:
            return 'wrong_answer', ('%s was cancelled; one failure must not cancel the other calls.' % cancelled[0])
        res = norm(run.value)
        if type(res) is not list or len(res) != len(self.items):
            return 'wrong_answer', ('fetch_all_settled returned %s; expected a list with one entry per item.' % show(run, run.value))
        for k, (i, v) in enumerate(zip(self.items, res)):
            if i in self.fails:
                if not is_exc(v):
                    return 'wrong_answer', ('Entry %d should be the exception raised by fetch(%r) (the exception object '
                                            'itself); got %s.' % (k, i, show(run, v)))
                if v.get('msg') != run.state['etok'][i]:
                    return 'wrong_answer', ('Entry %d should be the exception raised by fetch(%r); got %s.' % (k, i, show(run, v)))
            elif v != run.state['tok'][i]:
                return 'wrong_answer', 'Entry %d should be the result of fetch(%r); got %s.' % (k, i, show(run, v))
        best = max(self.delays)
        if run.done_at > best + EPS:
            return 'not_concurrent', self.late_msg(run, best)
        return 'passed', 'Returned every result or exception, in order, after %s.' % secs(run.done_at)


class DeadlineTask(FetchTask):
    fname = 'fetch_all_within'

    def args(self, run):
        return [{'$p': 'fetch'}, list(self.items), self.seconds]

    def judge(self, run):
        calls = self.fetch_calls(run)
        best = max(self.delays) if self.delays else 0.0
        S = self.seconds
        if best <= S:
            if not run.ok:
                return self.raised(run)
            f = self.called_once_each(run)
            if f:
                return f
            exp = self.expected(run)
            if norm(run.value) != exp:
                return 'wrong_answer', 'fetch_all_within returned %s; expected %s.' % (show(run, run.value), show(run, exp))
            if run.done_at > best + EPS:
                return 'not_concurrent', self.late_msg(run, best)
            if not self.items:
                return 'passed', 'Returned an empty list at once, as it should for no items.'
            return 'passed', 'All calls finished in time; returned the results after %s.' % secs(run.done_at)
        if run.ok:
            return 'wrong_answer', ('Not every call could finish within %s, so fetch_all_within should raise TimeoutError; '
                                    'it returned %s at %s.' % (secs(S), show(run, run.value), secs(run.done_at)))
        if (run.exc or {}).get('$exc') != 'TimeoutError':
            return 'wrong_answer', 'fetch_all_within should raise TimeoutError; it raised %s.' % exc_text(run, run.exc)
        if run.done_at > S + EPS:
            return 'timeout', ('fetch_all_within raised TimeoutError at %s; it should give up as soon as %s have passed.'
                               % (secs(run.done_at), secs(S)))
        left = [c.label for c in run.left if c.fn == 'fetch']
        if left:
            return 'not_cancelled', ('fetch_all_within raised TimeoutError but left %s running: cancel the calls that '
                                     'did not finish (asyncio.timeout around a gather does it).' % ', '.join(left))
        if len(calls) < len(self.items):
            return 'not_concurrent', 'fetch_all_within did not start every call at once.'
        return 'passed', 'Raised TimeoutError at %s and cancelled the unfinished calls.' % secs(S)


class OrFailTask(FetchTask):
    fname = 'fetch_all_or_fail'

    def judge(self, run):
        failing = [(d, i) for i, d in zip(self.items, self.delays) if i in self.fails]
        if not failing:
            if not run.ok:
                return self.raised(run)
            f = self.called_once_each(run)
            if f:
                return f
            exp = self.expected(run)
            if norm(run.value) != exp:
                return 'wrong_answer', 'fetch_all_or_fail returned %s; expected %s.' % (show(run, run.value), show(run, exp))
            best = max(self.delays)
            if run.done_at > best + EPS:
                return 'not_concurrent', self.late_msg(run, best)
            return 'passed', 'Returned the results in order after %s.' % secs(run.done_at)
        d0, i0 = min(failing)
        if run.ok:
            return 'wrong_answer', ('fetch(%r) failed, so fetch_all_or_fail should raise its exception; it returned %s.'
                                    % (i0, show(run, run.value)))
        e = run.exc or {}
        if e.get('$exc') in ('ExceptionGroup', 'BaseExceptionGroup'):
            return 'wrong_answer', ('fetch_all_or_fail raised an %s. Raise the FetchError itself: catch the group '
                                    '(`except ExceptionGroup as eg`) and re-raise eg.exceptions[0].' % e.get('$exc'))
        if e.get('$exc') != 'FetchError' or e.get('msg') != run.state['etok'][i0]:
            return 'wrong_answer', ('fetch_all_or_fail should raise the exception of fetch(%r), the first call to fail; '
                                    'it raised %s.' % (i0, exc_text(run, e)))
        if run.done_at > d0 + EPS:
            return 'wrong_answer', ('fetch(%r) failed at %s but fetch_all_or_fail raised only at %s: stop at the first '
                                    'failure.' % (i0, secs(d0), secs(run.done_at)))
        left = [c.label for c in run.left if c.fn == 'fetch']
        if left:
            return 'not_cancelled', ('fetch_all_or_fail raised at %s but left %s running. When one call fails, cancel the '
                                     'others (a TaskGroup does it).' % (secs(run.done_at), ', '.join(left)))
        return 'passed', 'Raised the error of fetch(%r) at %s and cancelled the other calls.' % (i0, secs(d0))


# ---------------------------------------------------------------------------------------------
# retry
# ---------------------------------------------------------------------------------------------

class RetryTask(Task):
    fname = 'retry'
    op_time = 0.5

    def setup(self, run):
        run.state['names'] = {}
        run.state['toks'] = []
        for k, o in enumerate(self.outcomes):
            t = tok('r' if o else 'e')
            run.state['toks'].append(t)
            run.state['names'][t] = ('the result of attempt %d' if o else 'the error of attempt %d') % (k + 1)

    def args(self, run):
        return [{'$p': 'op'}, self.attempts, self.base]

    def on_call(self, run, c):
        if c.fn != 'op' or c.args:
            return Task.on_call(self, run, c)
        k = sum(1 for x in run.calls if x.fn == 'op') - 1
        if k >= len(self.outcomes):
            return self.op_time, False, ['OpError', 'too many attempts']
        ok = self.outcomes[k]
        t = run.state['toks'][k]
        return self.op_time, ok, (t if ok else ['OpError', t])

    def judge(self, run):
        calls = [c for c in run.calls if c.fn == 'op']
        n_expected = len(self.outcomes)
        if len(calls) > n_expected:
            if len(calls) > self.attempts:
                return 'wrong_answer', ('retry called op() %d times, but attempts=%d: at most `attempts` calls in all.'
                                        % (len(calls), self.attempts))
            return 'wrong_answer', ('retry called op() again after attempt %d succeeded; return the first success.'
                                    % n_expected)
        if len(calls) < n_expected:
            if not calls:
                return 'wrong_answer', 'retry never called op(); call it at least once.'
            return 'wrong_answer', ('retry stopped after %s of op(); with attempts=%d it should try %s here.'
                                    % (plural(len(calls), 'call'), self.attempts,
                                       'once' if n_expected == 1 else '%d times' % n_expected))
        for k in range(1, len(calls)):
            prev, cur = calls[k - 1], calls[k]
            want = self.base * 2 ** (k - 1)
            gap = cur.start - (prev.end if prev.end is not None else prev.start)
            if abs(gap - want) > EPS:
                return 'wrong_answer', ('After failure number %d retry waited %s before trying again; it should wait '
                                        'base_delay * 2**%d = %s (with `await asyncio.sleep`).' % (k, secs(gap), k - 1, secs(want)))
        last = calls[-1]
        if self.outcomes[-1]:
            if not run.ok:
                return self.raised(run)
            if norm(run.value) != run.state['toks'][-1]:
                return 'wrong_answer', 'retry returned %s; expected the result of the successful attempt.' % show(run, run.value)
        else:
            if run.ok:
                return 'wrong_answer', ('%s, so retry should raise %s; it returned %s (an exception was swallowed).'
                                        % ('The only attempt failed' if len(calls) == 1 else 'All %d attempts failed' % len(calls),
                                           'its exception' if len(calls) == 1 else 'the last exception',
                                           show(run, run.value)))
            e = run.exc or {}
            if e.get('$exc') != 'OpError' or e.get('msg') != run.state['toks'][-1]:
                if len(calls) == 1:
                    return 'wrong_answer', ('The only attempt failed; retry should re-raise its exception; it raised %s.'
                                            % exc_text(run, e))
                return 'wrong_answer', ('All attempts failed; retry should re-raise the last exception (the error of attempt '
                                        '%d); it raised %s.' % (len(calls), exc_text(run, e)))
        if last.end is not None and run.done_at > last.end + EPS:
            return 'wrong_answer', ('retry finished %s after the last attempt ended: there is no point waiting after the '
                                    'last call.' % secs(run.done_at - last.end))
        if len(calls) == 1:
            if self.outcomes[-1]:
                return 'passed', 'The first attempt succeeded: returned its result at once, with no retry and no wait.'
            return 'passed', ('The only attempt allowed (attempts=1) failed: raised its exception at once, with no retry '
                              'and no wait.')
        return 'passed', ('Made %d attempts with the right waits and %s.' % (
            len(calls), 'returned the success' if self.outcomes[-1] else 'raised the last exception'))


# ---------------------------------------------------------------------------------------------
# SafeCounter
# ---------------------------------------------------------------------------------------------

class CounterTask(Task):
    driver = 'counter'
    fname = 'SafeCounter'
    lat = 0.1

    def setup(self, run):
        run.state['vals'] = [40 + 7 * k for k in range(self.stores)]
        run.state['start'] = list(run.state['vals'])
        run.state['sets'] = [[] for _ in range(self.stores)]

    def args(self, run):
        return [{'$p': 'store', 'id': k} for k in range(self.stores)]

    def opts(self, run):
        return {'n': self.n}

    def on_call(self, run, c):
        if c.fn == 'get' and len(c.args) == 1 and c.args[0] in range(self.stores):
            return self.lat, True, run.state['vals'][c.args[0]]
        if c.fn == 'set' and len(c.args) == 2 and c.args[0] in range(self.stores):
            return self.lat, True, None
        return Task.on_call(self, run, c)

    def on_end(self, run, c):
        if c.fn == 'set':
            run.state['vals'][c.args[0]] = c.args[1]
            run.state['sets'][c.args[0]].append(c.args[1])

    def judge(self, run):
        if not run.ok:
            return 'runtime_error', 'increment() raised %s.' % exc_text(run, run.exc)
        for k in range(self.stores):
            start, final = run.state['start'][k], run.state['vals'][k]
            if final != start + self.n:
                after = ('after one increment() call' if self.n == 1
                         else 'after %d concurrent increment() calls' % self.n)
                if type(final) is not int or type(final) is bool:
                    return 'wrong_answer', ('The store held %s; %s it should hold %s. increment() should read the value '
                                            'with `await store.get()`, add 1 and write it back with `await store.set(...)`.'
                                            % (show(run, final), after, start + self.n))
                if final > start + self.n:
                    return 'wrong_answer', ('The store held %s; %s it should hold %s: the value went up by %d, not %d. '
                                            'Add exactly 1 per call.'
                                            % (final, after, start + self.n, final - start, self.n))
                lost = start + self.n - final
                if self.n == 1:
                    return 'wrong_answer', ('The store held %s; %s it should hold %s: the update was lost. Write the new '
                                            'value back with `await store.set(...)` (and await it).'
                                            % (final, after, start + self.n))
                return 'wrong_answer', ('The store held %s; %s it should hold %s: %s lost. Two increments read the same '
                                        'value before either wrote it back; hold an asyncio.Lock (one per counter) around '
                                        'the read and the write.'
                                        % (final, after, start + self.n,
                                           '1 update was' if lost == 1 else '%d updates were' % lost))
        if self.stores > 1:
            best = self.n * 2 * self.lat
            if run.done_at > best + EPS:
                return 'not_concurrent', ('Two counters with their own stores took %s; each needs %s. They waited for each '
                                          'other: make the lock an attribute of each counter (created in __init__), not '
                                          'one lock shared by the class.' % (secs(run.done_at), secs(best)))
        if self.n * self.stores == 1:
            return 'passed', 'The single increment was stored: final value correct.'
        return 'passed', 'No update was lost: %d increments, final value correct.' % (self.n * self.stores)


# ---------------------------------------------------------------------------------------------
# run_blocking
# ---------------------------------------------------------------------------------------------

class BlockingTask(Task):
    fname = 'run_blocking'

    def setup(self, run):
        run.state['names'] = {}
        run.state['toks'] = {}
        run.state['got'] = []

    def args(self, run):
        if self.driver == 'call':
            return [{'$p': 'work'}] + list(self.wargs)
        return []

    def opts(self, run):
        return {'calls': self.wcalls} if self.driver == 'gather' else {}

    def on_blocking(self, run, args):
        key = repr(args)
        run.state['got'].append(args)
        if key not in run.state['toks']:
            t = tok('w')
            run.state['toks'][key] = t
            run.state['names'][t] = 'the result of work(%s)' % ', '.join(map(repr, args))
        return run.state['toks'][key]

    def judge(self, run):
        if not run.ok:
            return self.raised(run)
        wanted = [list(self.wargs)] if self.driver == 'call' else [list(a) for a in self.wcalls]
        got = run.state['got']
        if not got:
            return 'wrong_answer', 'run_blocking never called func (returned %s).' % show(run, run.value)
        for g in got:
            if g not in wanted:
                return 'wrong_answer', ('func was called as work(%s), but the arguments were %s: pass them on with '
                                        '`*args`, e.g. `asyncio.to_thread(func, *args)`.'
                                        % (', '.join(map(repr, g)), ', '.join(map(repr, wanted[0])) or 'none'))
        if len(got) > len(wanted):
            return 'wrong_answer', 'func was called %d times; call it once.' % len(got)
        exp = [run.state['toks'].get(repr(w)) for w in wanted]
        res = norm(run.value)
        if self.driver == 'call':
            res = [res]
        if res != exp:
            return 'wrong_answer', 'run_blocking returned %s; expected %s.' % (
                show(run, run.value), show(run, exp[0] if self.driver == 'call' else exp))
        if len(wanted) > 1:
            return 'passed', ('Each of the %d calls ran func in a worker thread and got its own result back; the loop '
                              'stayed free.' % len(wanted))
        return 'passed', 'func ran in a worker thread and its result came back; the loop stayed free.'


# ---------------------------------------------------------------------------------------------
# Managed
# ---------------------------------------------------------------------------------------------

class ManagedTask(Task):
    driver = 'managed'
    fname = 'Managed'

    def setup(self, run):
        run.state['conn'] = None
        run.state['token'] = tok('v')
        run.state['names'] = {run.state['token']: 'the ValueError raised in the body'}

    def args(self, run):
        return [{'$p': 'connect'}]

    def opts(self, run):
        o = {'body': self.body, 'token': run.state['token'], 'sleep': 1.0}
        if self.body == 'cancel':
            o['cancel_at'] = 1.0
        return o

    def on_call(self, run, c):
        if c.fn == 'connect' and not c.args:
            if run.state['conn'] is not None:
                return 0.5, False, ['ConnectError', 'connect() was already called once']
            run.state['conn'] = c.id
            return 0.5, True, {'$conn': c.id}
        if c.fn == 'close' and c.args == [run.state['conn']]:
            return 0.25, True, None
        if c.fn == 'query':
            return 0.1, True, 'pong'
        return Task.on_call(self, run, c)

    def judge(self, run):
        conns = [c for c in run.calls if c.fn == 'connect']
        closes = [c for c in run.calls if c.fn == 'close']
        if len(conns) != 1:
            return 'wrong_answer', '`async with Managed(connect)` should call connect() once; it called it %d times.' % len(conns)
        bound = [v for t, v in run.emits if type(v) is list and v and v[0] == 'bound']
        if self.body != 'cancel' or bound:
            if not bound:
                if not run.ok:
                    return 'runtime_error', '`async with Managed(connect) as conn` raised %s.' % exc_text(run, run.exc)
                return 'wrong_answer', 'The body of the `async with` never ran.'
            if bound[0][1] != {'$conn': conns[0].id}:
                return 'wrong_answer', ('`as conn` bound %s; it should bind the connection returned by `await connect()` '
                                        '(return it from __aenter__).' % show(run, bound[0][1]))
        if not closes:
            when = {'normal': 'after the body', 'raise': 'when the body raised', 'cancel': 'when the body was cancelled'}[self.body]
            return 'wrong_answer', ('conn.close() was never awaited %s. Await it in __aexit__, which runs however the '
                                    'block ends (and `await` it: calling close() without await does nothing).' % when)
        if len(closes) > 1:
            return 'wrong_answer', 'conn.close() was called %d times; close once.' % len(closes)
        cl = closes[0]
        if cl.end is None or cl.cancelled or cl.end > run.done_at + EPS:
            return 'wrong_answer', ('conn.close() was started but the `async with` ended before it finished: await it '
                                    'in __aexit__.')
        if self.body == 'normal':
            if not run.ok:
                return 'runtime_error', 'The `async with` block raised %s.' % exc_text(run, run.exc)
            return 'passed', 'Connected, bound the connection, and closed it after the body.'
        if self.body == 'raise':
            if run.ok:
                return 'wrong_answer', ('The body raised ValueError, but the `async with` swallowed it. __aexit__ must '
                                        'not return True; return None (or False) so the exception propagates.')
            e = run.exc or {}
            if e.get('$exc') != 'ValueError' or e.get('msg') != run.state['token']:
                return 'wrong_answer', ('The body raised ValueError, but %s came out of the `async with`; let the original '
                                        'exception propagate.' % exc_text(run, e))
            return 'passed', 'Closed the connection and let the ValueError from the body propagate.'
        if norm(run.value) != 'cancelled':
            return 'wrong_answer', ('The task using the `async with` was cancelled, but the cancellation did not propagate '
                                    '(%s): never swallow CancelledError in __aexit__.' % show(run, run.value))
        return 'passed', 'Closed the connection when the task was cancelled, and let the cancellation propagate.'


# ---------------------------------------------------------------------------------------------
# ticker / Countdown (async iteration)
# ---------------------------------------------------------------------------------------------

class TickTask(Task):
    driver = 'agen'
    fname = 'ticker'

    def args(self, run):
        return [self.n, self.interval]

    def expected(self):
        return [(k * self.interval + self.interval, k) for k in range(self.n)]

    def judge(self, run):
        if not run.ok:
            return self.raised(run)
        exp = self.expected()
        got = [(t, norm(v)) for t, v in run.emits]
        gotv = [v for t, v in got]
        expv = [v for t, v in exp]
        if gotv != expv:
            return 'wrong_answer', ('%s(%r, %r) yielded %s; expected %s.' % (
                self.fname, *self.args(run), show(run, gotv) if gotv else 'nothing',
                show(run, expv) if expv else 'nothing'))
        for (t, v), (te, ve) in zip(got, exp):
            if abs(t - te) > EPS:
                return 'wrong_answer', ('Value %r came at %s; it should come at %s: wait `interval` seconds *before* '
                                        'each value (await asyncio.sleep(interval), then yield).' % (v, secs(t), secs(te)))
        if abs(run.done_at - (exp[-1][0] if exp else 0.0)) > EPS:
            if not exp:
                return 'wrong_answer', ('The iteration ended at %s; with nothing to yield it should end at once, '
                                        'without waiting.' % secs(run.done_at))
            return 'wrong_answer', ('The iteration ended at %s; after the last value it should end at once (%s).'
                                    % (secs(run.done_at), secs(exp[-1][0])))
        if not expv:
            return 'passed', 'Yielded nothing and ended at once, as it should for n = 0.'
        if len(expv) == 1:
            return 'passed', 'Yielded %s at the right time.' % show(run, expv)
        return 'passed', 'Yielded %s at the right times.' % show(run, expv)


class CountdownTask(TickTask):
    driver = 'countdown'
    fname = 'Countdown'

    def expected(self):
        return [(k * self.interval + self.interval, self.n - k) for k in range(self.n)]


# ---------------------------------------------------------------------------------------------
# Timer (async context manager)
# ---------------------------------------------------------------------------------------------

class TimerTask(Task):
    driver = 'timer'
    fname = 'Timer'

    def setup(self, run):
        run.state['token'] = tok('v')
        run.state['names'] = {run.state['token']: 'the ValueError raised in the body'}

    def opts(self, run):
        return {'sleep': self.sleep, 'raise': self.raise_, 'token': run.state['token']}

    def judge(self, run):
        el = [v for t, v in run.emits if type(v) is list and v and v[0] == 'elapsed']
        if self.raise_:
            if run.ok:
                return 'wrong_answer', 'The body raised ValueError but the `async with Timer()` swallowed it: __aexit__ must not return True.'
            if (run.exc or {}).get('msg') != run.state['token']:
                return 'runtime_error', '`async with Timer()` raised %s.' % exc_text(run, run.exc)
        elif not run.ok:
            return 'runtime_error', '`async with Timer() as t` raised %s.' % exc_text(run, run.exc)
        else:
            if norm(run.value) != [True]:
                return 'wrong_answer', '`async with Timer() as t` should bind the Timer itself: return self from __aenter__.'
        v = el[0][1] if el else None
        if type(v) not in (int, float) or type(v) is bool:
            return 'wrong_answer', 't.elapsed should be a number of seconds after the block; it was %s.' % show(run, v)
        if not abs(v - self.sleep) <= 1e-3:        # (not "> 1e-3": a NaN compares false)
            return 'wrong_answer', ('The body took %s, but t.elapsed was %s. Read the loop clock '
                                    '(asyncio.get_running_loop().time()) in __aenter__ and in __aexit__.' % (secs(self.sleep), fmt(v)))
        if not self.sleep and not self.raise_:
            return 'passed', 't.elapsed was 0 s, as it should be for a body that does not wait.'
        return 'passed', 't.elapsed was %s, as it should be%s.' % (secs(self.sleep), ', and the exception propagated' if self.raise_ else '')


# ---------------------------------------------------------------------------------------------
# Dedup cache
# ---------------------------------------------------------------------------------------------

class DedupTask(FetchTask):
    driver = 'dedup'
    fname = 'Cache'

    def args(self, run):
        return [{'$p': 'fetch'}]

    def opts(self, run):
        return {'gets': [[at, item] for at, item in self.gets]}

    def judge(self, run):
        if not run.ok:
            return 'runtime_error', 'Cache.get raised %s.' % exc_text(run, run.exc)
        counts = {}
        for c in self.fetch_calls(run):
            counts[c.args[0]] = counts.get(c.args[0], 0) + 1
        for item, n in counts.items():
            if n > 1:
                return 'wrong_answer', ('fetch(%r) was called %d times; concurrent and later gets of the same item must share '
                                        'one call (store the task or future in the cache before awaiting it).' % (item, n))
        first_start = {}
        for c in self.fetch_calls(run):
            first_start.setdefault(c.args[0], c)
        got = {}
        for t, v in run.emits:
            if type(v) is list and len(v) == 2 and type(v[0]) is int:
                got[v[0]] = (t, v[1])
        for k, (at, item) in enumerate(self.gets):
            if k not in got:
                return 'wrong_answer', 'get(%r) started at %s never returned.' % (item, secs(at))
            t, v = got[k]
            if v != run.state['tok'][item]:
                return 'wrong_answer', 'get(%r) returned %s; expected %s.' % (item, show(run, v), show(run, run.state['tok'][item]))
            first = min(a for a, i in self.gets if i == item)
            ready = max(at, first + run.state['delay'][item])
            if t > ready + EPS:
                return 'not_concurrent', ('get(%r), started at %s, returned at %s although the value was there at %s: gets '
                                          'of different items must not wait for each other (do not hold one lock while '
                                          'fetching).' % (item, secs(at), secs(t), secs(ready)))
        if len(set(i for _, i in self.gets)) == 1:
            return 'passed', ('fetch(%r) was called once and all %d gets shared it, each returning as early as possible.'
                              % (self.gets[0][1], len(self.gets)))
        return 'passed', 'Each item was fetched once, and every get returned as early as possible.'


# ---------------------------------------------------------------------------------------------
# Queue workers
# ---------------------------------------------------------------------------------------------

class QueueTask(FetchTask):
    driver = 'queue'
    fname = 'consume'

    def args(self, run):
        return [{'$p': 'fetch'}, self.workers]

    def opts(self, run):
        return {'arrivals': [[at, it] for at, it in self.arrivals]}

    def judge(self, run):
        if not run.ok:
            return self.raised(run)
        f = self.called_once_each(run)
        if f:
            return f
        calls = self.fetch_calls(run)
        times = sorted(set([c.start for c in calls]))
        for t in times:
            inflight = sum(1 for c in calls if c.start <= t + EPS and (c.end is None or c.end > t + EPS))
            if inflight > self.workers:
                return 'wrong_answer', ('At %s, %d fetches were in flight with %d workers: each worker should handle one '
                                        'item at a time.' % (secs(t), inflight, self.workers))
        v = run.value
        exp = {i: run.state['tok'][i] for i in self.items}
        if not (type(v) is dict and '$dict' in v) or {(k if type(k) is not list else None): x for k, x in v['$dict']} != exp:
            if not self.items:
                return 'wrong_answer', ('consume returned %s; the queue held only the final None, so it should return an '
                                        'empty dict, {}.' % show(run, v))
            return 'wrong_answer', 'consume returned %s; expected a dict {item: result} for every item.' % show(run, v)
        if not self.items and run.done_at > self.best + EPS:
            return 'not_concurrent', ('consume finished at %s although the queue held only the final None: every worker '
                                      'can stop as soon as it sees it.' % secs(run.done_at))
        if run.done_at > self.best + EPS:
            return 'not_concurrent', ('consume finished at %s; with %d workers it can finish at %s. Start all workers at '
                                      'once and let each take the next item as soon as it is free.'
                                      % (secs(run.done_at), self.workers, secs(self.best)))
        if not self.items:
            return 'passed', ('Returned an empty dict at once: the queue held only the final None, and every worker '
                              'stopped on it.')
        return 'passed', 'Every item was fetched once by %d workers; done at %s.' % (self.workers, secs(run.done_at))


# ---------------------------------------------------------------------------------------------
# The questions
# ---------------------------------------------------------------------------------------------

QUESTIONS = {}


def Q(*a):
    q = Question(*a)
    QUESTIONS[q.id] = q


Q('code-fetch-all', 'fetch_all', 'async_function', '`async def fetch_all(fetch, items)`', [
    FetchAllTask('three calls with different delays', items=[1, 2, 3], delays=[2.0, 3.0, 1.0]),
    FetchAllTask('no items', items=[], delays=[]),
    FetchAllTask('six calls, one slow', items=[10, 20, 30, 40, 50, 60], delays=[0.5, 0.5, 4.0, 0.5, 1.0, 0.25]),
    FetchAllTask('twelve calls of 1 s', items=list(range(100, 112)), delays=[1.0] * 12),
])

Q('code-bounded-fetch', 'bounded_fetch', 'async_function', '`async def bounded_fetch(fetch, items, limit)`', [
    BoundedTask('limit 2, five items', items=[1, 2, 3, 4, 5], delays=[2.0, 1.0, 3.0, 1.0, 1.0], limit=2),
    BoundedTask('limit larger than the list', items=[7, 8, 9], delays=[1.0, 3.0, 2.0], limit=5),
    BoundedTask('limit 1', items=[1, 2, 3], delays=[1.0, 0.5, 1.5], limit=1),
    BoundedTask('limit 3, eight items', items=[11, 12, 13, 14, 15, 16, 17, 18],
                delays=[1.0, 4.0, 2.0, 1.0, 1.0, 3.0, 0.5, 2.0], limit=3),
])

Q('code-fetch-or-default', 'fetch_or_default', 'async_function',
  '`async def fetch_or_default(fetch, item, timeout, default)`', [
      OrDefaultTask('fast call', items=[5], delays=[1.0], timeout=2.0),
      OrDefaultTask('slow call', items=[6], delays=[5.0], timeout=2.0),
      OrDefaultTask('just in time', items=[7], delays=[2.9], timeout=3.0),
      OrDefaultTask('just too slow', items=[8], delays=[3.2], timeout=3.0),
  ])

Q('code-first-result', 'first_result', 'async_function', '`async def first_result(fetch, items)`', [
    FirstTask('three calls', items=[1, 2, 3], delays=[3.0, 1.0, 2.0]),
    FirstTask('one call', items=[5], delays=[2.0]),
    FirstTask('the first item is the slowest', items=[4, 5, 6, 7], delays=[4.0, 2.5, 0.5, 3.0]),
])

Q('code-retry', 'retry', 'async_function', '`async def retry(op, attempts, base_delay)`', [
    RetryTask('fails twice, then succeeds', outcomes=[False, False, True], attempts=5, base=1.0),
    RetryTask('always fails', outcomes=[False, False, False], attempts=3, base=0.5),
    RetryTask('succeeds at once', outcomes=[True], attempts=4, base=1.0),
    RetryTask('a single attempt', outcomes=[False], attempts=1, base=2.0),
])

Q('code-safe-counter', 'SafeCounter', 'class', '`class SafeCounter` with `async def increment(self)`', [
    CounterTask('five concurrent increments', stores=1, n=5),
    CounterTask('a single increment', stores=1, n=1),
    CounterTask('two counters, four increments each', stores=2, n=4),
])

Q('code-run-blocking', 'run_blocking', 'async_function', '`async def run_blocking(func, *args)`', [
    BlockingTask('two arguments', wargs=[3, 4]),
    BlockingTask('no arguments', wargs=[]),
    BlockingTask('three calls at once', driver='gather', wargs=[], wcalls=[[1], [2], [3]]),
])

Q('code-managed-connection', 'Managed', 'class', '`class Managed` (an async context manager)', [
    ManagedTask('a normal body', body='normal'),
    ManagedTask('the body raises', body='raise'),
    ManagedTask('the task is cancelled in the body', body='cancel'),
])

Q('code-ticker', 'ticker', 'async_gen', '`async def ticker(n, interval)` with `yield`', [
    TickTask('three ticks, 1 s apart', n=3, interval=1.0),
    TickTask('no ticks', n=0, interval=1.0),
    TickTask('five ticks, 0.25 s apart', n=5, interval=0.25),
])

Q('code-fetch-all-settled', 'fetch_all_settled', 'async_function', '`async def fetch_all_settled(fetch, items)`', [
    SettledTask('one failure among three', items=[1, 2, 3], delays=[2.0, 1.0, 3.0], fails={2}),
    SettledTask('every call fails', items=[4, 5], delays=[1.0, 2.0], fails={4, 5}),
    SettledTask('no failures, out of order', items=[6, 7, 8], delays=[3.0, 1.0, 2.0]),
])

# --- more questions ---

Q('code-timer', 'Timer', 'class', '`class Timer` (an async context manager with `elapsed`)', [
    TimerTask('a body of 1.5 s', sleep=1.5, raise_=False),
    TimerTask('an empty body', sleep=0.0, raise_=False),
    TimerTask('the body raises after 2 s', sleep=2.0, raise_=True),
])

Q('code-countdown', 'Countdown', 'class', '`class Countdown` (an async iterator)', [
    CountdownTask('3 down to 1, 1 s apart', n=3, interval=1.0),
    CountdownTask('nothing to count', n=0, interval=1.0),
    CountdownTask('4 down to 1, 0.5 s apart', n=4, interval=0.5),
])

Q('code-dedup-cache', 'Cache', 'class', '`class Cache` with `async def get(self, item)`', [
    DedupTask('five gets of one item at once', items=[1], delays=[1.0], gets=[(0, 1)] * 5),
    DedupTask('different items do not wait for each other', items=[1, 2, 3], delays=[3.0, 1.0, 2.0],
              gets=[(0, 1), (0, 2), (0, 3)]),
    DedupTask('later gets use the cache', items=[5, 6], delays=[1.0, 1.0], gets=[(0, 5), (2.0, 5), (0.5, 5), (2.5, 6)]),
])

Q('code-fetch-with-deadline', 'fetch_all_within', 'async_function',
  '`async def fetch_all_within(fetch, items, seconds)`', [
      DeadlineTask('all in time', items=[1, 2, 3], delays=[1.0, 2.0, 0.5], seconds=3.0),
      DeadlineTask('one call too slow', items=[1, 2, 3], delays=[1.0, 5.0, 2.0], seconds=3.0),
      DeadlineTask('no items', items=[], delays=[], seconds=1.0),
      DeadlineTask('the deadline is for all calls together', items=[4, 5], delays=[2.5, 2.5], seconds=3.0),
  ])

Q('code-fetch-all-or-fail', 'fetch_all_or_fail', 'async_function', '`async def fetch_all_or_fail(fetch, items)`', [
    OrFailTask('no failure', items=[1, 2, 3], delays=[2.0, 1.0, 3.0]),
    OrFailTask('one failure', items=[1, 2, 3], delays=[3.0, 1.0, 2.0], fails={2}),
    OrFailTask('two failures: the first one counts', items=[4, 5, 6], delays=[2.0, 1.0, 3.0], fails={4, 5}),
])

Q('code-queue-workers', 'consume', 'async_function', '`async def consume(queue, fetch, workers)`', [
    QueueTask('three items, three workers', items=[1, 2, 3], delays=[1.0, 1.0, 1.0], workers=3,
              arrivals=[(0, 1), (0, 2), (0, 3)], best=1.0),
    QueueTask('items arrive over time', items=[1, 2, 3, 4], delays=[2.0, 2.0, 1.0, 1.0], workers=2,
              arrivals=[(0, 1), (0.5, 2), (0.5, 3), (1.0, 4)], best=3.5),
    QueueTask('an empty queue', items=[], delays=[], workers=2, arrivals=[], best=0.0),
])
