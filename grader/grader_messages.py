# The shared library of plain-words messages, and how values and exceptions are shown in them (grader_checks uses it). A task's `checks` (data) name these in order; the first
# that finds a problem gives the task's status and message. Every check reads only what the parent observed (`Run`:
# its clock, its trace of calls, values compared with its own tokens), never a claim of the child's.
# A check's message comes from MESSAGES (key `check.case`), unless the task or its question overrides that key
# (`messages` in the data); a `hint` in the check's data is appended. Templates use {name} fields only.
import re
from grader_limits import _fmt as fmt

EPS = 1e-6

MESSAGES = {
    'no_raise': '{fname} raised {exc}.',
    'calls.never': '{fname} never called {call}.',
    'calls.twice': '{fname} called {call} {n} times; call it once per item.',
    'calls.count': '{fname} should call {helper} exactly {want}; it made {got}.',
    'calls.args': '{fname} called {call}; the arguments should be {want}.',
    'calls.early': '{fname} started {call} at {at}; no call should start before {when}.',
    'late.empty': '{fname} took {at} although there was nothing to wait for: return at once.',
    'late.one': '{fname} took {at}, but its one call, {call}, took only {best}: return as soon as it is done, '
                'without waiting any longer.',
    'late.sequential': '{fname} took {at} for delays {delays}: the calls ran one after another. Start them together '
                       '(asyncio.gather or a TaskGroup) and the total is the longest, {best}.',
    'late': '{fname} took {at} for delays {delays}; with all calls running at the same time it takes {best}. '
            'Start every call before awaiting any of them.',
    'late.plain': '{fname} finished at {at}; it should finish by {best}.',
    'returns.order': '{fname} returned the right results in the wrong order: {got}. Return them in the order of '
                     '`items` (asyncio.gather keeps that order; as_completed does not).',
    'returns.empty': '{fname} returned {got}; with nothing to do it should return an empty list, [].',
    'returns': '{fname} returned {got}; expected {want}.',
    'returns.lost': '{fname} returned {got}: {n} values, but {helper} returned {want_n}: {want}. Every value must be '
                    'in the list, once.',
    'returns.not_ascending': '{fname} returned {got}, not in the order the calls finished ({want}): append each '
                             'value as its call completes (asyncio.as_completed), rather than in the order you '
                             'started them.',
    'returns.close': '{fname} returned {got}; it should be {want} (to within {tol}).',
    'returns.within': '{fname} returned {got}; it should be a number between {lo} and {hi}.',
    'returns.task': '{fname} returned {got}, not an asyncio.Task. Wrap the coroutine in a task: '
                    '`return asyncio.create_task(...)` in a plain `def`.',
    'inflight.max': 'At {at}, {n} calls were in flight, but the limit is {limit}.',
    'inflight.keep': 'At {at} only {n} in flight while {waiting} still waited (limit {limit}). Start the next call '
                     'as soon as one finishes: no batches, no idle slots.',
    'inflight.peak': '{fname} never had more than {n} of {helper} in flight at once; they should all run at the '
                     'same time ({want} at once). Start them together, with asyncio.gather.',
    'left_running': '{fname} finished at {at} but left {calls} running.',
    'cancelled': '{call} was cancelled; one failure must not cancel the other calls.',
    'raises.returned': '{fname} should raise {want}; it returned {got} at {at}.',
    'raises.other': '{fname} should raise {want}; it raised {got}.',
    'raises.group': '{fname} raised an {got}. Raise the {want} itself: catch the group (`except ExceptionGroup as '
                    'eg`) and re-raise eg.exceptions[0].',
    'raises.late': '{fname} raised {want} at {at}; it should have raised it by {by}.',
    'retries.many': '{fname} called {helper}() {n} times, but attempts={attempts}: at most `attempts` calls in all.',
    'retries.after_success': '{fname} called {helper}() again after attempt {k} succeeded; return the first success.',
    'retries.never': '{fname} never called {helper}(); call it at least once.',
    'retries.few': '{fname} stopped after {calls} of {helper}(); with attempts={attempts} it should try {want} here.',
    'retries.gap': 'After failure number {k} {fname} waited {gap} before trying again; it should wait '
                   'base_delay * 2**{e} = {want} (with `await asyncio.sleep`).',
    'retries.swallowed': '{what}, so {fname} should raise {which}; it returned {got} (an exception was swallowed).',
    'retries.wrong_exc': '{what}; {fname} should re-raise {which}; it raised {got}.',
    'retries.wait_after': '{fname} finished {gap} after the last attempt ended: there is no point waiting after the '
                          'last call.',
    'store.lost': 'The store held {got}; {after} it should hold {want}: {lost} lost. Two increments read the same '
                  'value before either wrote it back; hold an asyncio.Lock (one per counter) around the read and the '
                  'write.',
    'store.lost_one': 'The store held {got}; {after} it should hold {want}: the update was lost. Write the new value '
                      'back with `await store.set(...)` (and await it).',
    'store.more': 'The store held {got}; {after} it should hold {want}: the value went up by {up}, not {n}. Add '
                  'exactly 1 per call.',
    'store.type': 'The store held {got}; {after} it should hold {want}. increment() should read the value with '
                  '`await store.get()`, add 1 and write it back with `await store.set(...)`.',
    'bound.self': '`async with {fname}() as t` should bind the object itself: return self from __aenter__.',
    'bound.value': '`as conn` bound {got}; it should bind {want} (return it from __aenter__).',
    'bound.never': 'The body of the `async with` never ran.',
    'closed.never': '{call} was never awaited {when}. Await it in __aexit__, which runs however the block ends (and '
                    '`await` it: calling it without await does nothing).',
    'closed.twice': '{call} was called {n} times; close once.',
    'closed.unfinished': '{call} was started but the `async with` ended before it finished: await it in __aexit__.',
    'propagates.swallowed': 'The body raised ValueError, but the `async with` swallowed it. __aexit__ must not return '
                            'True; return None (or False) so the exception propagates.',
    'propagates.other': 'The body raised ValueError, but {got} came out of the `async with`; let the original '
                        'exception propagate.',
    'propagates.cancel': 'The task using the `async with` was cancelled, but the cancellation did not propagate '
                         '({got}): never swallow CancelledError in __aexit__.',
    'attr.value': '{attr} should be {want} after the block; it was {got}.',
    'attr.type': 't.{attr} should be a number of seconds after the block; it was {got}.',
    'emits.values': '{fname} yielded {got}; expected {want}.',
    'emits.count': '{fname} yielded {n} values; expected {want}.',
    'emits.within': 'Value {k} was {got}; each value should be between {lo} and {hi}.',
    'emits.time': 'Value {v} came at {at}; it should come at {want}: wait `interval` seconds *before* each value '
                  '(await asyncio.sleep(interval), then yield).',
    'emits.end': 'The iteration ended at {at}; after the last value it should end at once ({want}).',
    'gets.twice': '{call} was called {n} times; concurrent and later gets of the same item must share one call '
                  '(store the task or future in the cache before awaiting it).',
    'gets.never': 'get({item}) started at {at} never returned.',
    'gets.value': 'get({item}) returned {got}; expected {want}.',
    'gets.late': 'get({item}), started at {start}, returned at {at} although the value was there at {ready}: gets of '
                 'different items must not wait for each other (do not hold one lock while fetching).',
    'settled.shape': '{fname} returned {got}; expected a list with one entry per item.',
    'settled.exc': 'Entry {k} should be the exception raised by {call} (the exception object itself); got {got}.',
    'settled.value': 'Entry {k} should be the result of {call}; got {got}.',
    'blocking.never': '{fname} never called func (returned {got}).',
    'blocking.args': 'func was called as work({got}), but the arguments were {want}: pass them on with `*args`, e.g. '
                     '`asyncio.to_thread(func, *args)`.',
    'blocking.count': 'func was called {n} times; call it once.',
    'rate.over': '{n} calls of {helper} started between {start} and {at}, within one window of {per}; the limit is '
                 '{limit} per {per}, in every window. A Semaphore limits how many run at once, not how many start '
                 'per second: space the starts out in time.',
}


class Fail(Exception):
    def __init__(self, status, message):
        self.status, self.message = status, message


def secs(x):
    return '%s s' % fmt(x)


def list_secs(xs):
    return '[' + ', '.join(fmt(x) for x in xs) + ']'


def plural(n, one, many=None):
    return '%d %s' % (n, one if n == 1 else (many or one + 's'))


def norm(v):
    """A child value (JSON) -> comparable Python: tuples become lists, dicts a sorted list of pairs."""
    if type(v) is dict and '$tuple' in v:
        return [norm(x) for x in v['$tuple']]
    if type(v) is dict and type(v.get('$dict')) is list:
        return {'$dict': sorted((norm(x) for x in v['$dict']), key=repr)}
    if type(v) is list:
        return [norm(x) for x in v]
    return v


def is_exc(v):
    return type(v) is dict and '$exc' in v


def is_num(v):
    return type(v) in (int, float)


def show(run, v, depth=0):
    """Plain-words rendering of a value the submission returned (tokens -> 'the result of fetch(2)')."""
    names = run.state.get('names', {})
    if type(v) is str:
        if v in names:
            return names[v]
        return repr(v if len(v) <= 40 else v[:37] + '...')
    if type(v) is float:
        return repr(round(v, 4))
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
    ms = run.state.get('names', {}).get(m, repr(m[:200]) if m else '')
    s = '%s%s%s' % (e.get('$exc', 'an exception'), ': ' + ms if ms else '', where)
    if e.get('sub'):
        s += ' containing ' + ', '.join(exc_text(run, x) for x in e['sub'][:3])
    return s


def overlap_sequential(calls):
    """True if no two calls were ever in flight at the same time."""
    iv = sorted((c.start, c.end if c.end is not None else float('inf')) for c in calls)
    return all(iv[i + 1][0] >= iv[i][1] - EPS for i in range(len(iv) - 1))


def in_flight_at(calls, t):
    return sum(1 for c in calls if c.start <= t + EPS and (c.end is None or c.end > t + EPS))


def peak(calls):
    """The most calls in flight at once, in the order the parent saw their starts and ends (so that calls of no
    duration, all at one virtual time, still count as concurrent only if each started before the others ended)."""
    best = 0
    for b in calls:
        n = 1 + sum(1 for a in calls if a.seq < b.seq and (a.end is None or a.extra is None or a.extra >= b.seq))
        best = max(best, n)
    return best


# ---- the student's own exceptions ----

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
    ('TypeError', r'An asyncio\.Future, a coroutine or an awaitable is required',
     'asyncio.gather, wait_for, ensure_future and create_task take awaitables: call the async function to get a '
     'coroutine object (`job()`, not `job`).'),
    ('TypeError', r'__await__\(\) returned',
     '`__await__` must be a plain `def` that returns an iterator: `return self._run().__await__()` (or use `yield '
     'from`); an `async def __await__`, a coroutine or a Future returned as is are not iterators.'),
    ('RuntimeError', r'Task got bad yield|yield was used instead of yield from',
     'A value was yielded to the event loop: inside `__await__` (or an old generator-based coroutine) everything you '
     '`yield` goes to the loop, which accepts only Futures. Return the result instead (`return value`).'),
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
     'An attribute that does not exist was used: check the name, and that the object is the one you expect (an '
     'attribute a base class sets in its `__init__` exists only if your `__init__` calls `super().__init__(...)`).'),
    ('UnboundLocalError', r'',
     'A variable was read before it was assigned in this function (assigning it anywhere in a function makes it '
     'local to the whole function).'),
    ('NameError', r'', 'A name was used that is not defined: a typo, or a missing import.'),
    ('RuntimeError', r'cannot reuse already awaited coroutine',
     'A coroutine object can be awaited only once: call the `async def` again for a new one.'),
    ('RuntimeError', r'cannot be called from a running event loop',
     'Inside async code the loop is already running: `await` the coroutine instead of calling asyncio.run().'),
    ('RuntimeError', r'loop is already running',
     'A running loop cannot be run again: inside async code `await` the coroutine; from another thread hand it to '
     'the loop with `asyncio.run_coroutine_threadsafe(coro, loop).result()`.'),
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
    grader made it see (its helpers' errors carrying the grader's tokens, cancellation, timeouts)?"""
    if type(e) is not dict:
        return False
    if e.get('sub'):
        return any(foreign_exc(run, x) for x in e['sub'])
    if e.get('$exc') in ('ExceptionGroup', 'BaseExceptionGroup'):
        return False
    m = e.get('msg', '')
    if m in run.state.get('names', {}) or TOKEN.match(m or '') or (m or '').startswith('the grader '):
        return False
    return e.get('$exc') not in GRADER_EXCEPTIONS and e.get('$exc') not in run.state.get('errors', ())


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

