# The trusted parent's virtual clock: one example task's message loop (Grader.run_task), and what it saw (Run).
import os, json, time, heapq, gc
import grader_limits as L
from grader_limits import (BLOCK_LIMIT, LOAD_REAL_LIMIT, MEM_TOTAL_LIMIT, PARENT_MEM_LIMIT, RETAIN_LIMIT, TASK_REAL_LIMIT,
                           TRACE_MAX, own_rss, total_rss)
from grader_limits import _rmono, _r, _clean, _fmt, _no_constant, _finite_float, _outq
from grader_observe import Killed, fork_child, _exc_info
from grader_uses import child_grade

THREAD_QUIET = 0.25              # seconds of quiet the parent watched, with other threads alive, before a deadlock
QUIET_GAP = 0.02                 # at most this much of one gap between two looks counts as watched quiet (s)


class Call:
    __slots__ = ('id', 'fn', 'args', 'start', 'end', 'due', 'ok', 'value', 'cancelled', 'label', 'seq', 'extra')

    def __init__(self, cid, fn, args, start, seq):
        self.id = cid
        self.fn = fn
        self.args = args
        self.start = start
        self.end = None
        self.due = None
        self.ok = True
        self.value = None
        self.cancelled = False
        self.seq = seq
        self.extra = None
        self.label = '%s(%s)' % (fn, ', '.join(_short(a) for a in args))


def _short(v):
    s = json.dumps(v) if not isinstance(v, str) else repr(v)
    return s if len(s) <= 30 else s[:27] + '...'


class Run:
    """What the parent saw during one example task."""

    def __init__(self):
        self.now = 0.0
        self.calls = []
        self.byid = {}
        self.heap = []
        self.emits = []
        self.done_at = None
        self.left = []
        self.ok = None
        self.value = None
        self.exc = None
        self.bcalls = {}
        self.bdone = []
        self.nseq = 0
        self.state = {}
        self.output = b''
        self.kept = 0

    def keep(self, n):
        """Counts the bytes of a message the parent keeps for this task; past RETAIN_LIMIT it is the child's fault."""
        self.kept += n
        if self.kept > RETAIN_LIMIT:
            raise Killed('output_limit', 'The program sent the grader more than %d MB of calls and values in one task.'
                         % (RETAIN_LIMIT >> 20))

    def inflight_at_done(self):
        return [c for c in self.calls if c.end is None and c.start <= self.done_at]

    def trace(self):
        out = []
        for c in self.calls:
            d = {'call': c.label, 'start': _r(c.start), 'end': _r(c.end) if c.end is not None else None}
            if c.cancelled:
                d['cancelled'] = True
            if not c.ok and c.end is not None and not c.cancelled:
                d['raised'] = True
            out.append(d)
        for b in self.bdone:
            out.append(b)
        if len(out) > TRACE_MAX:
            more = len(out) - TRACE_MAX
            out = out[:TRACE_MAX] + [{'call': '... and %d more call%s' % (more, '' if more == 1 else 's'),
                                      'start': None, 'end': None}]
        return out



class Grader:
    """One grading: owns the child and the per-task event loop."""

    def __init__(self, q, code, deadline):
        self.q = q
        self.code = code
        self.deadline = deadline
        self.child = None

    def start_child(self):
        self.child = None
        gc.collect()                      # nothing of an earlier task may be inherited by the new child
        ch = fork_child(child_grade, self.code, self.q.child_spec)
        self.child = ch
        end = min(self.deadline, _rmono() + LOAD_REAL_LIMIT)
        msg = self.wait_msg(end)
        return msg

    def wait_msg(self, end):
        """Wait for one message (used while loading: no clock yet)."""
        ch = self.child
        while True:
            left = end - _rmono()
            if left <= 0:
                raise Killed('timeout', 'Loading your code took too long (top-level code that never ends?).')
            for fd, ev in ch.poll.poll(max(1, int(left * 1000))):
                if fd == ch.pidfd:
                    if ch.ended():
                        raise ch.gone(end)
                    continue
                if fd == ch.sock.fileno():
                    data = ch.recv()
                    if data is None:
                        continue
                    if not data:
                        raise ch.gone(end)
                    return self.parse(data)
                else:
                    ch.read_output(fd, 4096)

    def parse(self, data):
        try:
            msg = json.loads(data, parse_constant=_no_constant, parse_float=_finite_float)
            if type(msg) is not dict or type(msg.get('k')) is not str:
                raise ValueError
        except (ValueError, RecursionError):
            raise Killed('killed', 'The program interfered with the grader (bad message).')
        if b'\\u' in data or b'\\U' in data:
            msg = _clean(msg)             # lone surrogates (\\ud800) cannot be written as UTF-8
        return msg

    def finish_child(self):
        if self.child is not None:
            self.child.kill()
            self.child = None

    # -- one task --
    def run_task(self, t):
        """Runs one example task in the child and returns the Run the parent observed, or raises Killed. The
        parent's clock moves only when it sees the child's loop idle in /proc (Child.loop_idle); the loop is
        blocked when its thread spends BLOCK_LIMIT of its own time (run-queue waits excluded) without being
        seen idle: its CPU time, and while it is seen asleep, real time less run-queue waits (Child.loop_sample)."""
        ch = self.child
        run = Run()
        self.cur = run
        t.setup(run)
        ch.send({'k': 'task', 'use': t.use, 'args': t.args(run), 'opts': t.opts(run), 'seed': t.seed})
        ch.outbuf = bytearray()
        real_end = min(self.deadline, _rmono() + TASK_REAL_LIMIT)
        mark_wall, mark_cpu, mark_wait, _ = ch.loop_sample()
        mark_sleeps = ch.loop_sleeps()
        mark_steps = ch.steps()
        at_work = None                    # the parent's last look that saw the loop thread at work since the mark
        last_mem = _rmono()
        sock_fd = ch.sock.fileno()
        vlimit = t.vlimit
        idle = None                       # the child's last `idle` request (next timer), until acted on
        frozen = False                    # idle seen while other threads worked: time stands still
        quiet_at = None                   # idle, nothing pending, threads alive: a deadlock unless something moves;
        quiet = 0.0                       # the parent's last look at it, and how long it has watched it quiet
        bpending = []                     # blocking calls (id, args) announced but not answered yet
        while True:
            nowr = _rmono()
            if nowr >= real_end:
                if run.done_at is not None:
                    ch.dirty = True
                    return run
                raise Killed('timeout', 'The task did not finish in %.1f s of real time.' % TASK_REAL_LIMIT)
            if nowr - last_mem > 0.05:
                last_mem = nowr
                if total_rss() > MEM_TOTAL_LIMIT:
                    raise Killed('memory_limit', 'The program used more than 1 GB of memory in all.')
                if own_rss() > PARENT_MEM_LIMIT:
                    raise Killed('output_limit', 'The program sent the grader more data than it keeps.')
            wait_ms = 1 if (idle is not None and not frozen) or bpending else (3 if frozen else 10)
            for fd, ev in ch.poll.poll(wait_ms):
                if fd == ch.pidfd:
                    if ch.ended():
                        if run.done_at is not None:
                            ch.dirty = True
                            return run
                        raise ch.gone(real_end)
                    continue
                if fd != sock_fd:
                    ch.read_output(fd, 4096)
                    continue
                for _ in range(256):      # then back to the deadlines, however fast the child writes
                    data = ch.recv()
                    if data is None:
                        break
                    if not data:
                        if run.done_at is not None:
                            ch.gone(real_end)
                            ch.dirty = True
                            return run
                        raise ch.gone(real_end)
                    msg = self.parse(data)
                    quiet_at = None
                    try:
                        k = msg['k']
                        if k == 'idle':
                            nxt = msg.get('next')
                            if nxt is not None and type(nxt) not in (int, float):
                                raise Killed('killed', 'The program interfered with the grader.')
                            idle = nxt if nxt is None else max(float(nxt), run.now)
                            idle = ('at', idle)
                        elif k == 'call':
                            cid, fn, args = msg.get('id'), msg.get('fn'), msg.get('a')
                            if type(cid) is not int or type(fn) is not str or type(args) is not list or cid in run.byid:
                                raise Killed('killed', 'The program interfered with the grader.')
                            run.keep(len(data))
                            run.nseq += 1
                            c = Call(cid, fn[:40], args, run.now, run.nseq)
                            run.calls.append(c)
                            run.byid[cid] = c
                            if len(run.calls) > 5000:
                                raise Killed('timeout', 'The program made more than 5000 calls.')
                            try:
                                delay, ok, value = t.on_call(run, c)
                            except (TypeError, ValueError, KeyError):       # e.g. fetch([1]): unhashable arguments
                                run.state.setdefault('bad', []).append(c.label)
                                delay, ok, value = 0.0, False, ['RuntimeError', 'the grader cannot serve this call']
                            c.ok, c.value = ok, value
                            c.due = run.now + delay
                            heapq.heappush(run.heap, (c.due, c.seq, cid))
                        elif k == 'cancel':
                            c = run.byid.get(msg.get('id')) if type(msg.get('id')) is int else None
                            if c is not None and c.end is None:
                                c.end = run.now
                                c.extra = run.nseq    # calls started before it ended: overlap in message order
                                c.cancelled = True
                                t.on_cancel(run, c)
                        elif k == 'bstart':
                            bid, args = msg.get('id'), msg.get('a')
                            if type(bid) is not int or type(args) is not list or bid in run.bcalls:
                                raise Killed('killed', 'The program interfered with the grader.')
                            run.keep(len(data))
                            b = {'call': 'work(%s)' % ', '.join(_short(a) for a in args[:8]), 'start': _r(run.now),
                                 'end': None}
                            run.bcalls[bid] = b
                            run.bdone.append(b)
                            bpending.append((bid, args, b))
                            if len(run.bcalls) > 1000:
                                raise Killed('timeout', 'The program made more than 1000 blocking calls.')
                        elif k == 'bend':
                            b = run.bcalls.get(msg.get('id')) if type(msg.get('id')) is int else None
                            if b is not None and b['end'] is None and 'thread' in b:
                                b['end'] = _r(run.now)
                        elif k == 'emit':
                            run.keep(len(data))
                            run.emits.append((run.now, msg.get('v')))
                            if len(run.emits) > 5000:
                                raise Killed('timeout', 'Too many values.')
                        elif k == 'done':
                            if run.done_at is None:
                                run.keep(len(data))
                                run.done_at = run.now
                                run.left = [c for c in run.calls if c.end is None]
                                run.ok = bool(msg.get('ok'))
                                run.value = msg.get('v')
                                run.exc = _exc_info(msg.get('e'))
                                real_end = min(real_end, _rmono() + 0.5)
                                vlimit = run.now + 10.0
                        elif k == 'clean':
                            ch.dirty = bool(msg.get('dirty')) or run.done_at is None or len(ch.tids()) > 1
                            return run
                        elif k in ('tick', 'pong'):
                            pass
                        else:
                            raise Killed('killed', 'The program interfered with the grader.')
                    except (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError, OverflowError):
                        # a message of the right kind with values of the wrong types: the child wrote it itself
                        raise Killed('killed', 'The program interfered with the grader (bad message).')
            nowr = _rmono()
            # blocking calls: answered once the threads that made them are seen waiting on the blocking channel;
            # the loop's own thread waiting there is a direct call (the loop stops until it returns)
            if bpending:
                waiters = ch.bchan_waiters()
                if ch.pid in waiters:
                    b = bpending[-1][2]
                    b['thread'] = 'loop'
                    raise Killed('blocked_loop', t.direct_msg(run, b))
                if len(waiters) >= len(bpending) and _outq(ch.bsock) == 0:
                    for bid, args, b in bpending:
                        b['thread'] = 'worker'
                        ch.bsend({'id': bid, 'v': t.on_blocking(run, args)})
                    bpending = []
            seen_idle = False
            if idle is not None and ch.wait_loop_idle(60 if not frozen else 1):
                seen_idle = True
                tr, cpu, wait, asleep = ch.loop_sample()
                # the step that just ended: its idle wait began after the last look that saw the thread at work,
                # so its own time (CPU, sleeps) was at least (at_work - mark) less all its run-queue waits, all
                # of them ended now that it is asleep. Exact as a lower bound, whenever the parent looked
                own = (cpu - mark_cpu) / 1e9
                if at_work is not None and asleep:
                    own = max(own, (at_work - mark_wall) - (wait - mark_wait) / 1e9)
                elif at_work is None and asleep and ch.loop_sleeps() - mark_sleeps >= 2:
                    # no look saw the step (the parent itself did not run), but the thread went to sleep during it
                    # besides the idle wait it is in now: it slept in its step (time.sleep, a lock, a read), for
                    # as long as the parent was away, for all the parent knows; judged on real time less its waits
                    own = max(own, (tr - mark_wall) - (wait - mark_wait) / 1e9)
                if own >= BLOCK_LIMIT:
                    raise Killed('blocked_loop', t.blocked_msg(run))
                mark_wall, mark_cpu, mark_wait, at_work = tr, cpu, wait, None
                mark_sleeps = ch.loop_sleeps()
                if bpending or ch.busy_threads():
                    frozen = True         # threads are working: virtual time waits for them
                    continue
                if frozen:
                    frozen = False        # they stopped: let the loop look again before time moves
                    idle = None
                    ch.send({'k': 'adv', 't': run.now, 'd': []})
                    continue
                while run.heap and run.byid[run.heap[0][2]].end is not None:
                    heapq.heappop(run.heap)
                cand = [x for x in (idle[1], run.heap[0][0] if run.heap else None) if x is not None]
                if not cand:
                    # other threads may be about to act (a worker waking for the GIL shows as sleeping): watch them
                    # for THREAD_QUIET with no message before calling it a deadlock. Watched: each gap between two
                    # looks counts at most QUIET_GAP, so time the parent itself did not run (a loaded machine,
                    # a vCPU taken by the host) is not counted as quiet it saw
                    if len(ch.tids()) > 1:
                        if quiet_at is None:
                            quiet_at, quiet = nowr, 0.0
                        else:
                            quiet += min(nowr - quiet_at, QUIET_GAP)
                            quiet_at = nowr
                        if quiet < THREAD_QUIET:
                            continue
                    if run.done_at is not None:
                        ch.dirty = True
                        return run
                    raise Killed('timeout', self.deadlock_msg(run, t))
                quiet_at = None
                tnext = max(run.now, min(cand))
                if tnext > vlimit:
                    if run.done_at is not None:
                        ch.dirty = True
                        return run
                    raise Killed('timeout', t.vlimit_msg(run, vlimit))
                run.now = tnext
                done = []
                while run.heap and run.heap[0][0] <= tnext:
                    _, _, cid = heapq.heappop(run.heap)
                    c = run.byid[cid]
                    if c.end is not None:
                        continue
                    c.end = tnext
                    c.extra = run.nseq
                    done.append([cid, c.ok, c.value])
                    t.on_end(run, c)
                idle = None
                ch.send({'k': 'adv', 't': tnext, 'd': done})
                mark_wall, mark_cpu, mark_wait, _ = ch.loop_sample()     # its next step starts after this
                mark_sleeps = ch.loop_sleeps()
            if not seen_idle:
                steps = ch.steps()
                # a step, or the loop waiting for the GIL while another of the child's threads runs: not blocked
                if steps != mark_steps or (nowr - mark_wall >= BLOCK_LIMIT / 4 and ch.waits_for_gil()):
                    mark_wall, mark_cpu, mark_wait, _ = ch.loop_sample()
                    mark_sleeps = ch.loop_sleeps()
                    mark_steps, at_work = steps, None
                # the loop thread's own time since the mark: its CPU time, whatever its state; while it is seen
                # asleep (time.sleep, a lock, a blocking read), real time less its run-queue waits. A thread that
                # is runnable but not running (starved by the machine's load) gains neither now, but the look
                # is kept (at_work): once the step ends, its waits are known and the step is judged whole
                tr, cpu, wait, asleep = ch.loop_sample()
                if (not asleep or not ch.loop_in_epoll()) and tr > mark_wall:
                    at_work = tr
            if not seen_idle and nowr - mark_wall >= BLOCK_LIMIT:
                busy = (cpu - mark_cpu) / 1e9
                if asleep:
                    busy = max(busy, (tr - mark_wall) - (wait - mark_wait) / 1e9)
                if busy >= BLOCK_LIMIT:
                    if ch.loop_idle():
                        mark_wall, mark_cpu, mark_wait, _ = ch.loop_sample()
                        mark_sleeps = ch.loop_sleeps()
                        at_work = None
                    else:
                        raise Killed('blocked_loop', t.blocked_msg(run))

    def deadlock_msg(self, run, t=None):
        s = ('At %s s everything was waiting and nothing could ever wake it up (no timer, no call '
             'in progress): a deadlock, e.g. awaiting a future nobody completes, a Queue nobody fills, '
             'or a lock or semaphore that is never released.' % _fmt(run.now))
        # the question's or the task's own words on its likely deadlock (`messages.deadlock`), appended
        d = getattr(t, 'd', None) or {}
        hint = (d.get('messages') or {}).get('deadlock') or (getattr(getattr(t, 'q', None), 'messages', None) or {}).get('deadlock')
        return s + ' ' + hint if type(hint) is str else s

