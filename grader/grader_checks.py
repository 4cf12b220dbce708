# The reviewed library of checks. A task's `checks` (data) name these in order; the first that finds a problem gives
# the task's status and message (from grader_messages.MESSAGES, unless the task or question overrides the key).
# Every check reads only what the parent observed (`Run`: its clock, its trace of calls, values compared with its
# own tokens), never a claim of the child's.
from grader_messages import (EPS, Fail, secs, list_secs, plural, norm, is_exc, is_num, show, exc_text, fmt,
                             overlap_sequential, peak, in_flight_at)

# ---- the checks: each (x, p) -> None, or raises Fail; x is the task's context (engine.Ctx), p the check's data ----

def c_no_raise(x, p):
    if not x.run.ok:
        x.fail(p, 'runtime_error', 'no_raise', exc=exc_text(x.run, x.run.exc))


def c_calls(x, p):
    h = p['helper']
    calls = x.calls(h)
    st = p.get('status', 'wrong_answer')
    if p.get('once_each'):
        counts = {}
        for c in calls:
            counts[x.key(c)] = counts.get(x.key(c), 0) + 1
        for i in x.helper(h)['items']:
            if counts.get(x.key_of(i), 0) == 0:
                x.fail(p, st, 'calls.never', call=x.label(h, [i]))
        for c in calls:
            if counts[x.key(c)] > 1:
                x.fail(p, st, 'calls.twice', call=c.label, n=counts[x.key(c)])
    if 'count' in p:
        want = x.value(p['count'])
        if len(calls) != want:
            x.fail(p, st, 'calls.count', helper=h, want=plural(want, 'call'), got=plural(len(calls), 'call'))
    if 'args' in p:
        want = x.value(p['args'])
        for c in calls:
            if c.args != want:
                x.fail(p, st, 'calls.args', call=c.label, want=', '.join(map(repr, want)))
    if 'not_before' in p:                 # no call may start before this (virtual) time
        t = x.value(p['not_before'])
        for c in calls:
            if c.start < t - EPS:
                x.fail(p, st, 'calls.early', call=c.label, at=secs(c.start), when=secs(t))


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


def c_rate(x, p):
    """A rate limit: at most `max` calls of a helper start in any window of `per` seconds (default 1), sliding: for
    every call, the calls that started in the `per` seconds up to and including its start."""
    starts = sorted(c.start for c in x.calls(p['helper']))
    L, per = x.value(p['max']), x.value(p.get('per', 1.0))
    j = 0
    for i, s in enumerate(starts):
        while starts[j] <= s - per + EPS:
            j += 1
        if i - j + 1 > L:
            x.fail(p, 'wrong_answer', 'rate.over', n=i - j + 1, start=secs(starts[j]), at=secs(s), per=secs(per),
                   limit=L, helper=p['helper'])


CHECKS = {'no_raise': c_no_raise, 'calls': c_calls, 'finishes_by': c_finishes_by, 'returns': c_returns,
          'returns_task': c_returns_task, 'in_flight': c_in_flight, 'left_running': c_left_running,
          'none_cancelled': c_none_cancelled, 'raises': c_raises, 'retries': c_retries, 'store': c_store,
          'bound': c_bound, 'closed': c_closed, 'propagates': c_propagates, 'attr': c_attr, 'emits': c_emits,
          'gets': c_gets, 'settled': c_settled, 'blocking': c_blocking, 'rate': c_rate}


