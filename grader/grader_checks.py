# The reviewed library of checks and plain-words messages. A task's `checks` (data) name these in order; the first
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
    'raises.late': '{fname} raised {want} at {at}; it should have at {by}.',
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


# ---- the checks: each (x, p) -> None, or raises Fail; x is the task's context (engine.Ctx), p the check's data ----

def c_no_raise(x, p):
    if not x.run.ok:
        x.fail(p, 'runtime_error', 'no_raise', exc=exc_text(x.run, x.run.exc))


def c_calls(x, p):
    h = p['helper']
    calls = x.calls(h)
    if p.get('once_each'):
        counts = {}
        for c in calls:
            counts[x.key(c)] = counts.get(x.key(c), 0) + 1
        for i in x.helper(h)['items']:
            if counts.get(x.key_of(i), 0) == 0:
                x.fail(p, 'wrong_answer', 'calls.never', call=x.label(h, [i]))
        for c in calls:
            if counts[x.key(c)] > 1:
                x.fail(p, 'wrong_answer', 'calls.twice', call=c.label, n=counts[x.key(c)])
    if 'count' in p:
        want = x.value(p['count'])
        if len(calls) != want:
            x.fail(p, 'wrong_answer', 'calls.count', helper=h, want=plural(want, 'call'), got=plural(len(calls), 'call'))
    if 'args' in p:
        want = x.value(p['args'])
        for c in calls:
            if c.args != want:
                x.fail(p, 'wrong_answer', 'calls.args', call=c.label, want=', '.join(map(repr, want)))


def c_finishes_by(x, p):
    """Done by a time: a number, or {"max_delay"|"min_delay": helper} (the delays the parent gave that helper)."""
    run = x.run
    by = p['by']
    h = by.get('max_delay') or by.get('min_delay') if type(by) is dict else None
    if h:
        ds = x.delays(h)
        best = (max(ds) if 'max_delay' in by else min(ds)) if ds else 0.0
    else:
        best = x.value(by)
    best += p.get('plus', 0)
    if run.done_at <= best + p.get('tol', EPS):
        return
    status = p.get('status', 'not_concurrent')
    if not h:
        x.fail(p, status, 'late.plain', at=secs(run.done_at), best=secs(best))
    calls = x.calls(h)
    kw = dict(at=secs(run.done_at), best=secs(best), delays=list_secs(x.delays(h, declared=True)))
    if len(calls) > 1 and overlap_sequential(calls):
        x.fail(p, p.get('sequential_status', status), 'late.sequential', **kw)
    if not x.delays(h, declared=True) and not calls:
        x.fail(p, status, 'late.empty', **kw)
    if len(calls) == 1 and len(x.delays(h, declared=True)) <= 1:
        x.fail(p, status, 'late.one', call=calls[0].label, **kw)
    x.fail(p, status, 'late', **kw)


def c_returns(x, p):
    run = x.run
    rel = p.get('relation', 'equals')
    want = x.value(p['value']) if rel in ('equals', 'close') else None
    got = norm(run.value)
    if rel == 'equals':
        if got == want:
            return
        if type(got) is list and type(want) is list and sorted(map(repr, got)) == sorted(map(repr, want)):
            x.fail(p, 'wrong_answer', 'returns.order', got=show(run, got))
        if want == []:
            x.fail(p, 'wrong_answer', 'returns.empty', got=show(run, run.value))
        x.fail(p, 'wrong_answer', 'returns', got=show(run, run.value), want=show(run, want))
    if rel == 'close':
        tol = p.get('tol', 1e-3)
        if not (is_num(got) and abs(got - want) <= tol):
            x.fail(p, 'wrong_answer', 'returns.close', got=show(run, run.value), want=fmt(want), tol=fmt(tol))
        return
    if rel == 'within':
        lo, hi = x.value(p['lo']), x.value(p['hi'])
        if not (is_num(got) and type(got) is not bool and lo - EPS <= got <= hi + EPS):
            x.fail(p, 'wrong_answer', 'returns.within', got=show(run, run.value), lo=fmt(lo), hi=fmt(hi))
        return
    if rel == 'completion_order':
        # the same values as the helper's calls return, each once (a call still running or cancelled when the
        # function returned counts: its value is lost), in the order the calls finished (ascending delays)
        vals = [c.value for c in sorted(x.calls(p['helper']), key=lambda c: (c.end if c.end is not None else 1e18))
                if c.ok and not (type(c.value) is dict and '$stop' in c.value)]
        if type(got) is not list or sorted(map(repr, got)) != sorted(map(repr, vals)):
            x.fail(p, 'wrong_answer', 'returns.lost', got=show(run, run.value), helper=p['helper'],
                   n=len(got) if type(got) is list else 'not a list of', want_n=len(vals), want=show(run, vals))
        if got != vals:
            x.fail(p, 'wrong_answer', 'returns.not_ascending', got=show(run, got), want=show(run, vals))
        return
    raise ValueError('unknown relation %r' % rel)


def c_returns_task(x, p):
    kinds = x.emitted('task')
    if not kinds or kinds[0] != 'Task':
        x.fail(p, 'wrong_answer', 'returns.task', got=show(x.run, {'$obj': kinds[0] if kinds else '?',
                                                                   'repr': kinds[0] if kinds else ''}))


def c_in_flight(x, p):
    run, h = x.run, p['helper']
    calls = x.calls(h)
    if 'peak' in p:
        want = x.value(p['peak'])
        n = peak(calls)
        if n < want:
            x.fail(p, p.get('status', 'not_concurrent'), 'inflight.peak', n=n, helper=h, want=want)
    if 'max' not in p:
        return
    L = x.value(p['max'])
    total = len(x.helper(h).get('items', calls))
    times = sorted(set([0.0] + [c.start for c in calls] + [c.end for c in calls if c.end is not None]))
    for t in times:
        if t > run.done_at + EPS:
            break
        started = sum(1 for c in calls if c.start <= t + EPS)
        n = in_flight_at(calls, t)
        if n > L:
            x.fail(p, 'wrong_answer', 'inflight.max', at=secs(t), n=n, limit=L)
        if p.get('keep') and n < L and started < total and t < run.done_at - EPS:
            x.fail(p, 'not_concurrent', 'inflight.keep', at=secs(t), n=plural(n, 'call was', 'calls were'),
                   waiting=plural(total - started, 'item'), limit=L)


def c_left_running(x, p):
    left = [c.label for c in x.run.left if c.fn == p['helper']]
    if left:
        x.fail(p, 'not_cancelled', 'left_running', at=secs(x.run.done_at), calls=', '.join(left))


def c_none_cancelled(x, p):
    for c in x.calls(p['helper']):
        if c.cancelled:
            x.fail(p, 'wrong_answer', 'cancelled', call=c.label)


def c_raises(x, p):
    """Raises an exception: {"type": name} and optionally {"error_of": [helper, item]} (the exception the parent
    injected into that call) and {"by": time}."""
    run = x.run
    want_type = p['type']
    want_msg = None
    want = want_type
    if 'error_of' in p:
        h, item = p['error_of']
        want_msg = x.state(h)['etok'][x.key_of(item)]
        want = 'the %s of %s' % (want_type, x.label(h, [item]))
    if run.ok:
        x.fail(p, 'wrong_answer', 'raises.returned', want=want, got=show(run, run.value), at=secs(run.done_at))
    e = run.exc or {}
    if e.get('$exc') in ('ExceptionGroup', 'BaseExceptionGroup') and want_type not in ('ExceptionGroup',):
        x.fail(p, 'wrong_answer', 'raises.group', got=e.get('$exc'), want=want_type)
    if e.get('$exc') != want_type or (want_msg is not None and e.get('msg') != want_msg):
        x.fail(p, 'wrong_answer', 'raises.other', want=want, got=exc_text(run, e))
    if 'by' in p:
        by = x.value(p['by'])
        if run.done_at > by + EPS:
            x.fail(p, p.get('status', 'timeout'), 'raises.late', want=want, at=secs(run.done_at), by=secs(by))


def c_retries(x, p):
    """An operation that fails k times (helper with `sequence`): the attempts, the waits between them (base * 2**k),
    and the outcome: the first success's result, or the last failure re-raised."""
    run, h = x.run, p['helper']
    calls = x.calls(h)
    seq = x.helper(h)['sequence']
    n_exp = len(seq)
    attempts = x.value(p['attempts'])
    kw = dict(helper=h, attempts=attempts)
    if len(calls) > n_exp:
        if len(calls) > attempts:
            x.fail(p, 'wrong_answer', 'retries.many', n=len(calls), **kw)
        x.fail(p, 'wrong_answer', 'retries.after_success', k=n_exp, **kw)
    if len(calls) < n_exp:
        if not calls:
            x.fail(p, 'wrong_answer', 'retries.never', **kw)
        x.fail(p, 'wrong_answer', 'retries.few', calls=plural(len(calls), 'call'),
               want='once' if n_exp == 1 else '%d times' % n_exp, **kw)
    base = x.value(p['base'])
    for k in range(1, len(calls)):
        prev, cur = calls[k - 1], calls[k]
        want = base * 2 ** (k - 1)
        gap = cur.start - (prev.end if prev.end is not None else prev.start)
        if abs(gap - want) > EPS:
            x.fail(p, 'wrong_answer', 'retries.gap', k=k, gap=secs(gap), e=k - 1, want=secs(want))
    last = calls[-1]
    toks = x.state(h)['toks']
    if not seq[-1].get('fail'):
        if not run.ok:
            x.fail(p, 'runtime_error', 'no_raise', exc=exc_text(run, run.exc))
        if norm(run.value) != toks[-1]:
            x.fail(p, 'wrong_answer', 'returns', got=show(run, run.value), want='the result of the successful attempt')
    else:
        what = 'The only attempt failed' if len(calls) == 1 else 'All %d attempts failed' % len(calls)
        which = 'its exception' if len(calls) == 1 else 'the last exception (the error of attempt %d)' % len(calls)
        if run.ok:
            x.fail(p, 'wrong_answer', 'retries.swallowed', what=what, which=which, got=show(run, run.value))
        e = run.exc or {}
        if e.get('msg') != toks[-1]:
            x.fail(p, 'wrong_answer', 'retries.wrong_exc', what=what, which=which, got=exc_text(run, e))
    if last.end is not None and run.done_at > last.end + EPS:
        x.fail(p, 'wrong_answer', 'retries.wait_after', gap=secs(run.done_at - last.end))


def c_store(x, p):
    """Each store (helper `store`) ends at its initial value plus `add`."""
    run = x.run
    n = x.value(p['add'])
    st = x.state(p.get('helper', 'store'))
    after = 'after one increment() call' if n == 1 else 'after %d concurrent increment() calls' % n
    for k, start in enumerate(st['start']):
        final, want = st['vals'][k], start + n
        if final == want:
            continue
        kw = dict(got=show(run, final), after=after, want=want)
        if not is_num(final) or type(final) is bool:
            x.fail(p, 'wrong_answer', 'store.type', **kw)
        if final > want:
            x.fail(p, 'wrong_answer', 'store.more', up=final - start, n=n, **kw)
        if n == 1:
            x.fail(p, 'wrong_answer', 'store.lost_one', **kw)
        lost = want - final
        x.fail(p, 'wrong_answer', 'store.lost', lost='1 update was' if lost == 1 else '%d updates were' % lost, **kw)


def c_bound(x, p):
    run = x.run
    b = x.emitted('bound')
    if not b:
        if p.get('optional'):
            return
        if not run.ok:
            x.fail(p, 'runtime_error', 'no_raise', exc=exc_text(run, run.exc))
        x.fail(p, 'wrong_answer', 'bound.never')
    if p.get('is') == 'self':
        if x.emitted('bound_self')[:1] != [True]:
            x.fail(p, 'wrong_answer', 'bound.self')
    else:
        want = x.value(p['is'])
        if b[0] != want:
            x.fail(p, 'wrong_answer', 'bound.value', got=show(run, b[0]), want=show(run, want))


def c_closed(x, p):
    run = x.run
    cl = x.calls(p['helper'])
    call = '%s()' % p.get('call', p['helper'])
    if not cl:
        x.fail(p, 'wrong_answer', 'closed.never', call=call, when=p.get('when', 'after the body'))
    if len(cl) > 1:
        x.fail(p, 'wrong_answer', 'closed.twice', call=call, n=len(cl))
    c = cl[0]
    if c.end is None or c.cancelled or c.end > run.done_at + EPS:
        x.fail(p, 'wrong_answer', 'closed.unfinished', call=call)


def c_propagates(x, p):
    run, what = x.run, p['what']
    if what == 'nothing':
        if not run.ok:
            x.fail(p, 'runtime_error', 'no_raise', exc=exc_text(run, run.exc))
    elif what == 'cancellation':
        if norm(run.value) != 'cancelled':
            x.fail(p, 'wrong_answer', 'propagates.cancel', got=show(run, run.value))
    else:
        if run.ok:
            x.fail(p, 'wrong_answer', 'propagates.swallowed')
        e = run.exc or {}
        if e.get('$exc') != 'ValueError' or e.get('msg') != x.value(what):
            x.fail(p, p.get('status', 'wrong_answer'), 'propagates.other', got=exc_text(run, e))


def c_attr(x, p):
    run = x.run
    got = dict((a[0], a[1]) for a in x.emitted('attr') if type(a) is list and len(a) == 2).get(p['attr'])
    if not is_num(got) or type(got) is bool:
        x.fail(p, 'wrong_answer', 'attr.type', attr=p['attr'], got=show(run, got))
    want = x.value(p['close_to'])
    if not abs(got - want) <= p.get('tol', 1e-3):        # (not "> tol": a NaN compares false)
        x.fail(p, 'wrong_answer', 'attr.value', attr=p['attr'], want=secs(want), got=fmt(got))


def c_emits(x, p):
    """Values yielded, and when each arrived: {"values": [...]} exact, or {"count": n, "within": [lo, hi]}; with
    {"every": s} the k-th value must arrive at (k + 1) * s, and the iteration must end with the last value."""
    run = x.run
    got = [(t, norm(v[1])) for t, v in run.emits if type(v) is list and len(v) == 2 and v[0] == 'value']
    vals = [v for t, v in got]
    if 'values' in p:
        want = x.value(p['values'])
        if vals != want:
            x.fail(p, 'wrong_answer', 'emits.values', got=show(run, vals) if vals else 'nothing',
                   want=show(run, want) if want else 'nothing')
        n = len(want)
    else:
        n = x.value(p['count'])
        if len(vals) != n:
            x.fail(p, 'wrong_answer', 'emits.count', n=len(vals), want=n)
        if 'within' in p:
            lo, hi = p['within']
            for k, v in enumerate(vals):
                if not is_num(v) or type(v) is bool or not lo - EPS <= v <= hi + EPS:
                    x.fail(p, 'wrong_answer', 'emits.within', k=k + 1, got=show(run, v), lo=fmt(lo), hi=fmt(hi))
    if 'every' in p:
        s = x.value(p['every'])
        for k, (t, v) in enumerate(got):
            if abs(t - (k + 1) * s) > EPS:
                x.fail(p, 'wrong_answer', 'emits.time', v=show(run, v), at=secs(t), want=secs((k + 1) * s))
        end = n * s
        if abs(run.done_at - end) > EPS:
            if not n:
                x.fail(p, 'wrong_answer', 'late.empty', at=secs(run.done_at))
            x.fail(p, 'wrong_answer', 'emits.end', at=secs(run.done_at), want=secs(end))


def c_gets(x, p):
    """A cache's gets (use: methods, each call {"at", "args": [item]}): one helper call per item, each get returns the
    item's result as soon as it is there."""
    run, h = x.run, p['helper']
    counts = {}
    for c in x.calls(h):
        counts[x.key(c)] = counts.get(x.key(c), 0) + 1
    for c in x.calls(h):
        if counts[x.key(c)] > 1:
            x.fail(p, 'wrong_answer', 'gets.twice', call=c.label, n=counts[x.key(c)])
    got = {}
    for t, v in run.emits:
        if type(v) is list and len(v) == 2 and v[0] == 'result' and type(v[1]) is list and len(v[1]) == 2:
            got.setdefault(v[1][0], (t, v[1][1]))
    gets = [(c.get('at', 0), c['args'][0]) for c in x.opts['calls']]
    delay = dict(zip(map(x.key_of, x.helper(h)['items']), x.helper(h)['delays']))
    for k, (at, item) in enumerate(gets):
        if k not in got:
            x.fail(p, 'wrong_answer', 'gets.never', item=repr(item), at=secs(at))
        t, v = got[k]
        want = x.state(h)['tok'][x.key_of(item)]
        if v != want:
            x.fail(p, 'wrong_answer', 'gets.value', item=repr(item), got=show(run, v), want=show(run, want))
        first = min(a for a, i in gets if i == item)
        ready = max(at, first + delay[x.key_of(item)])
        if t > ready + EPS:
            x.fail(p, 'not_concurrent', 'gets.late', item=repr(item), start=secs(at), at=secs(t), ready=secs(ready))


def c_settled(x, p):
    """One entry per item: the result, or the exception object the parent injected (helper's `fail`)."""
    run, h = x.run, p['helper']
    hs, st = x.helper(h), x.state(h)
    res = norm(run.value)
    if type(res) is not list or len(res) != len(hs['items']):
        x.fail(p, 'wrong_answer', 'settled.shape', got=show(run, run.value))
    fails = set(map(x.key_of, hs.get('fail', [])))
    for k, (i, v) in enumerate(zip(hs['items'], res)):
        call = x.label(h, [i])
        if x.key_of(i) in fails:
            if not is_exc(v) or v.get('msg') != st['etok'][x.key_of(i)]:
                x.fail(p, 'wrong_answer', 'settled.exc', k=k, call=call, got=show(run, v))
        elif v != st['tok'][x.key_of(i)]:
            x.fail(p, 'wrong_answer', 'settled.value', k=k, call=call, got=show(run, v))


def c_blocking(x, p):
    """The blocking helper (`work`): called with exactly the wanted argument lists, once each, its results returned."""
    run = x.run
    st = x.state(p.get('helper', 'work'))
    wanted = x.value(p['calls'])
    got = st['got']
    if not got:
        x.fail(p, 'wrong_answer', 'blocking.never', got=show(run, run.value))
    for g in got:
        if g not in wanted:
            x.fail(p, 'wrong_answer', 'blocking.args', got=', '.join(map(repr, g)),
                   want=', '.join(map(repr, wanted[0])) or 'none')
    if len(got) > len(wanted):
        x.fail(p, 'wrong_answer', 'blocking.count', n=len(got))


CHECKS = {'no_raise': c_no_raise, 'calls': c_calls, 'finishes_by': c_finishes_by, 'returns': c_returns,
          'returns_task': c_returns_task, 'in_flight': c_in_flight, 'left_running': c_left_running,
          'none_cancelled': c_none_cancelled, 'raises': c_raises, 'retries': c_retries, 'store': c_store,
          'bound': c_bound, 'closed': c_closed, 'propagates': c_propagates, 'attr': c_attr, 'emits': c_emits,
          'gets': c_gets, 'settled': c_settled, 'blocking': c_blocking}


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
