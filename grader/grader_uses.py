# The untrusted side, continued: the proxies of the grader's helpers as the submission sees them, the modules the
# question provides, how a task uses the submission (`use`), and child_grade (load the submission, run the tasks).
import os, sys, json, time, types, inspect, threading, asyncio
from grader_limits import _rmono, EXIT_MEMORY
import grader_child as C
from grader_child import Runtime, VLoop, VPolicy, Conn, enc, enc_exc, dec, _patch_time, _safe_str, _STOP, _pcall
# --- proxies for the grader's helpers, as the submission sees them: each call is a message to the parent, which
# --- stamps its start and end on its own clock and decides its delay and its result ---



def _helper(name):
    """An async function named `name` whose calls the parent serves."""
    async def helper(*args):
        return await _pcall(name, [enc(a) for a in args])
    helper.__name__ = helper.__qualname__ = name
    return helper


def _task_helper(name):
    """A plain function that returns an asyncio.Task running the parent-served call."""
    def helper(*args):
        return asyncio.ensure_future(_pcall(name, [enc(a) for a in args]))
    helper.__name__ = helper.__qualname__ = name
    return helper


def _agen_helper(name, close=None):
    """An async generator function: each value is a call the parent serves (`name`), until it answers the end. With
    `close`, its `finally` (run when it ends, or is closed or finalized) awaits the parent-served call `close`."""
    async def helper(*args):
        a = [enc(x) for x in args]
        try:
            while True:
                v = await _pcall(name, a)
                if v is _STOP:
                    return
                yield v
        finally:
            if close:
                await _pcall(close, [])
    helper.__name__ = helper.__qualname__ = name
    return helper


class Store:
    def __init__(self, sid):
        self._sid = sid

    async def get(self):
        return await _pcall('get', [self._sid])

    async def set(self, value):
        return await _pcall('set', [self._sid, enc(value)])

    def __repr__(self):
        return '<Store>'


def work(*args):
    """A blocking function: it blocks its thread in a read on fd 4 (the parent's blocking channel) until the grader
    answers. The parent sees which threads wait there in /proc, so it knows whether the loop's own thread called it.
    Every caller reads exactly one answer; an answer meant for another call is handed to that call's thread."""
    rt = C.RT
    bid = rt.new_id()
    ev = threading.Event()
    with rt.lock:
        rt.bwait[bid] = ev
    rt.send({'k': 'bstart', 'id': bid, 'a': enc(list(args))})
    data = os.read(4, 1 << 16)
    if not data:
        os._exit(0)
    msg = json.loads(data)
    with rt.lock:
        rt.bgot[msg['id']] = dec(msg['v'])
        other = rt.bwait.get(msg['id'])
    if other is not None:
        other.set()
    ev.wait()
    with rt.lock:
        rt.bwait.pop(bid, None)
        value = rt.bgot.pop(bid, None)
    rt.send({'k': 'bend', 'id': bid})
    return value


_LATER = []                       # coroutines a task's arguments start once its loop runs (queue producers)


async def _produce(q, arrivals, end):
    for at, item in arrivals:
        await asyncio.sleep(at)
        await q.put(dec(item))
    await q.put(end)


def _proxy(v):
    """The parent's description of an argument -> what the submission gets."""
    if type(v) is dict and '$p' in v:
        p = v['$p']
        name = str(v.get('name', p))
        if p == 'call':
            return _helper(name)
        if p == 'task':
            return _task_helper(name)
        if p == 'agen':
            return _agen_helper(name, v.get('close'))
        if p == 'loop':
            return asyncio.get_running_loop()
        if p == 'connect':
            return _helper('connect')
        if p == 'work':
            return work
        if p == 'store':
            return Store(v['id'])
        if p == 'queue':
            q = asyncio.Queue()
            _LATER.append(_produce(q, v.get('arrivals') or [], v.get('end')))
            return q
    if type(v) is dict and '$tuple' in v:
        return tuple(_proxy(x) for x in v['$tuple'])
    if type(v) is list:
        return [_proxy(x) for x in v]
    return v


def provide_modules(mods):
    """Modules the submission imports (an earlier exercise's reference under its file name): every attribute is a
    proxy the parent serves. Reachable with import, __import__ and importlib (they are in sys.modules)."""
    for name, attrs in (mods or {}).items():
        m = types.ModuleType(name)
        for k, v in attrs.items():
            setattr(m, k, _proxy(v))
        sys.modules[name] = m


def emit(tag, v):
    C.RT.send({'k': 'emit', 'v': [tag, enc(v)]})


# --- how a task uses the submission (child side); `use` in the task's data ---

async def u_await(entry, args, o):
    if 'concurrent' in o:
        return await asyncio.gather(*[entry(*_proxy(a)) for a in o['concurrent']])
    if 'cancel_at' in o:
        # the caller cancels the call at a virtual time: 'cancelled' if the cancellation came out of it
        t = asyncio.ensure_future(entry(*args))
        await asyncio.wait([t], timeout=o['cancel_at'])
        if t.done():
            return t.result()
        t.cancel()
        try:
            return await t
        except asyncio.CancelledError:
            return 'cancelled'
    return await entry(*args)


async def u_thread(entry, args, o):
    """A plain function called in worker threads (asyncio.to_thread) while the loop runs; several at once with
    `concurrent`."""
    if 'concurrent' in o:
        return await asyncio.gather(*[asyncio.to_thread(entry, *_proxy(a)) for a in o['concurrent']])
    return await asyncio.to_thread(entry, *args)


async def u_task(entry, args, o):
    t = entry(*args)
    emit('task', type(t).__name__ if not isinstance(t, asyncio.Task) else 'Task')
    if isinstance(t, asyncio.Task):
        return await t
    if inspect.iscoroutine(t):
        t.close()
    return t


async def u_iterate(entry, args, o):
    n = 0
    async for v in entry(*args):
        emit('value', v)
        n += 1
        if n > 1000:
            break
    return n


async def u_context(entry, args, o):
    obj = entry(*args)

    async def use():
        try:
            async with obj as bound:
                emit('bound', bound)
                emit('bound_self', bound is obj)
                if o.get('query'):
                    emit('query', await bound.query(o['query']))
                await asyncio.sleep(o.get('sleep', 0))
                if o.get('raise'):
                    raise ValueError(o['raise'])
        finally:
            for a in o.get('attrs', []):
                emit('attr', [a, getattr(obj, a, None)])
        return 'body-done'
    if 'cancel_at' in o:
        t = asyncio.ensure_future(use())
        await asyncio.sleep(o['cancel_at'])
        t.cancel()
        try:
            await t
        except asyncio.CancelledError:
            return 'cancelled'
        return 'not-cancelled'
    return await use()


async def u_methods(entry, args, o):
    objs = [entry(*_proxy(a)) for a in o.get('instances', [args])]

    async def one(i, c):
        if c.get('at'):
            await asyncio.sleep(c['at'])
        v = await getattr(objs[c.get('obj', 0)], c['method'])(*_proxy(c.get('args', [])))
        emit('result', [i, v])
        return v
    return await asyncio.gather(*[one(i, c) for i, c in enumerate(o['calls'])])


USES = {'await': u_await, 'task': u_task, 'iterate': u_iterate, 'context': u_context, 'methods': u_methods,
        'thread': u_thread}


def _done_msg(r):
    try:
        v = enc(r)
    except BaseException:
        v = {'$obj': '?', 'repr': '?'}
    return {'k': 'done', 'ok': True, 'v': v}


async def _run_task(entry, spec, sync_result=None):
    """Runs one task on this loop; for `use: run` (a plain function that runs its own loops) the call is over and
    `sync_result` holds its done message: this only cleans up."""
    rt = C.RT
    me = asyncio.current_task()
    if sync_result is not None:
        msg = sync_result
    else:
        try:
            args = _proxy(spec['args'])
            later = [asyncio.ensure_future(c) for c in _LATER]
            del _LATER[:]
            r = await USES[spec['use']](entry, args, spec.get('opts') or {})
            if later:
                await asyncio.gather(*later)
            msg = _done_msg(r)
        except MemoryError:
            os._exit(EXIT_MEMORY)
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as e:
            msg = {'k': 'done', 'ok': False, 'e': enc_exc(e)}
        # cancellations the submission requested just before returning take effect now (no time passes)
        for _ in range(3):
            await asyncio.sleep(0)
        rt.send(msg)
    # clean up what the submission left behind, on the same virtual clock
    others = [t for t in asyncio.all_tasks() if t is not me]
    for t in others:
        t.cancel()
    dirty = False
    if others:
        done, pending = await asyncio.wait(others, timeout=5.0)
        dirty = bool(pending)
    try:
        await asyncio.wait_for(rt.loop.shutdown_asyncgens(), 1.0)
    except BaseException:
        dirty = True
    return dirty


def _run_sync(entry, spec):
    """`use: run`: call a plain function outside any loop; it makes its own (asyncio.run, or
    get_event_loop().run_until_complete), each a virtual-time loop of this runtime."""
    pre = VLoop(C.RT)
    asyncio.set_event_loop(pre)
    try:
        msg = _done_msg(entry(*_proxy(spec['args'])))
    except MemoryError:
        os._exit(EXIT_MEMORY)
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as e:
        msg = {'k': 'done', 'ok': False, 'e': enc_exc(e)}
    del _LATER[:]
    C.RT.send(msg)
    try:
        if not pre.is_running():
            pre.close()
    except BaseException:
        pass
    return msg


def child_grade(code, q):
    """Load the submission (under its module name, with the modules the question provides), then run the tasks the
    parent sends, one at a time. `q`: entry, need, module, modules (from the question's data)."""
    rt = C.RT = Runtime(3)
    _patch_time(rt)
    entry_name, need = q['entry'], q.get('need', 'async_function')
    try:
        co = compile(code, '<submission>', 'exec', dont_inherit=True)
    except SyntaxError as e:
        rt.send({'k': 'syntax', 'msg': _safe_str(e.msg), 'line': e.lineno, 'text': (e.text or '').strip()[:200]})
        os._exit(0)
    except (ValueError, MemoryError, RecursionError) as e:
        rt.send({'k': 'syntax', 'msg': type(e).__name__ + ': ' + _safe_str(e)[:200], 'line': None, 'text': ''})
        os._exit(0)
    provide_modules(q.get('modules'))
    name = q.get('module') or 'submission'
    mod = types.ModuleType(name)
    mod.__dict__['__builtins__'] = __builtins__
    sys.modules[name] = mod
    # top-level asyncio.run() in the submission gets a loop that runs on its own virtual clock
    load_rt = Runtime(None, standalone=True)
    asyncio.set_event_loop_policy(VPolicy(load_rt))
    try:
        exec(co, mod.__dict__)
    except MemoryError:
        os._exit(EXIT_MEMORY)
    except BaseException as e:
        rt.send({'k': 'loaderr', 'e': enc_exc(e)})
        os._exit(0)
    asyncio.set_event_loop_policy(VPolicy(rt))
    entry = mod.__dict__.get(entry_name)
    problem = None
    if entry is None:
        problem = 'missing'
    elif need == 'async_function' and not inspect.iscoroutinefunction(entry):
        problem = 'not_async' if callable(entry) else 'missing'
    elif need == 'async_gen' and not inspect.isasyncgenfunction(entry):
        problem = 'not_asyncgen' if callable(entry) else 'missing'
    elif need == 'class' and not isinstance(entry, type):
        problem = 'not_class'
    elif need == 'function' and (not callable(entry) or isinstance(entry, type)):
        problem = 'missing'
    elif need == 'function' and (inspect.iscoroutinefunction(entry) or inspect.isasyncgenfunction(entry)):
        problem = 'not_plain'
    rt.send({'k': 'loaded', 'problem': problem})
    if problem:
        os._exit(0)
    sys.stdout.flush()
    while True:
        spec = rt.recv_block()
        if spec.get('k') != 'task':
            continue
        rt.now = 0.0
        rt.calls.clear()
        rt.jobs = 0
        loop = None
        try:
            if type(spec.get('seed')) is int:
                import random
                random.seed(spec['seed'])
            sync = _run_sync(entry, spec) if spec.get('use') == 'run' else None
            loop = VLoop(rt)
            asyncio.set_event_loop(loop)
            dirty = loop.run_until_complete(_run_task(entry, spec, sync))
        except MemoryError:
            os._exit(EXIT_MEMORY)
        except SystemExit as e:
            try:
                sys.stdout.flush()
            except BaseException:
                pass
            os._exit(e.code if type(e.code) is int and 0 <= e.code < 256 else 1)
        except BaseException:
            dirty = True
        try:
            if loop is not None:
                loop._default_executor and loop._default_executor.shutdown(wait=False, cancel_futures=True)
                loop._default_executor = None
                loop.close()
        except BaseException:
            dirty = True
        asyncio.set_event_loop(None)
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BaseException:
            pass
        t_end = _rmono() + 0.05
        while len(os.listdir('/proc/self/task')) > 1 and _rmono() < t_end:
            time.sleep(0.001)
        th = len(os.listdir('/proc/self/task'))
        rt.send({'k': 'clean', 'dirty': bool(dirty or th > 1)})


