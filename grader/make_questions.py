"""Writes grader/code_questions.json (the code questions in the format of docs/questions-format.md).

The code lives here as readable triple-quoted strings; run `python3 grader/make_questions.py` after a
change. Tests/grader checks that every solution passes and every wrong solution gets its status.
"""
import json
import os
import textwrap

FETCH = ('`fetch` is an async function supplied by the grader: `await fetch(item)` waits a while '
         '(different for each item) and returns that item\'s result, or raises an exception.')

Q = []


def q(id, topic, title, difficulty, prompt, starter, solution, explanation, wrong):
    d = lambda s: textwrap.dedent(s).strip('\n') + '\n'
    Q.append({
        'id': id, 'topic': topic, 'kind': 'code', 'title': title, 'difficulty': difficulty,
        'prompt': d(prompt).strip(), 'starter': d(starter), 'solution': d(solution),
        'explanation': d(explanation).strip(),
        'wrong_solutions': [{'code': d(c), 'status': s, 'why': w} for s, w, c in wrong],
    })


q('code-fetch-all', 'tasks', 'Fetch everything at once', 1, f'''
Write `async def fetch_all(fetch, items)`.

{FETCH}

`fetch_all` must call `fetch(item)` for every item **concurrently** and return the list of results
in the order of `items` (not in the order the calls finish). With delays of 1, 2 and 3 seconds the
whole thing should take 3 seconds, not 6.
''', '''
import asyncio


async def fetch_all(fetch, items):
    ...
''', '''
import asyncio


async def fetch_all(fetch, items):
    return list(await asyncio.gather(*(fetch(item) for item in items)))
''', '''
`asyncio.gather` wraps every coroutine in a task, so all calls start at once; it waits for all of them
and returns their results in the order the awaitables were given, whatever order they finished in.
Awaiting the calls one by one in a loop makes the total the sum of the delays instead of the longest.
''', [
    ('not_concurrent', 'sequential awaits in a loop', '''
    async def fetch_all(fetch, items):
        results = []
        for item in items:
            results.append(await fetch(item))
        return results
    '''),
    ('wrong_answer', 'results in completion order (as_completed)', '''
    import asyncio

    async def fetch_all(fetch, items):
        results = []
        for fut in asyncio.as_completed([fetch(i) for i in items]):
            results.append(await fut)
        return results
    '''),
    ('blocked_loop', 'time.sleep to "wait" for the calls', '''
    import asyncio, time

    async def fetch_all(fetch, items):
        tasks = [asyncio.ensure_future(fetch(i)) for i in items]
        time.sleep(0.3)
        return [await t for t in tasks]
    '''),
    ('runtime_error', 'asyncio.wait on an empty list raises ValueError', '''
    import asyncio

    async def fetch_all(fetch, items):
        tasks = [asyncio.ensure_future(fetch(i)) for i in items]
        await asyncio.wait(tasks)
        return [t.result() for t in tasks]
    '''),
    ('not_gradable', 'plain def instead of async def', '''
    def fetch_all(fetch, items):
        return [fetch(i) for i in items]
    '''),
])

q('code-bounded-fetch', 'synchronization', 'At most `limit` at a time', 2, f'''
Write `async def bounded_fetch(fetch, items, limit)`.

{FETCH}

Like fetching everything at once, return the results in the order of `items`, but never have more
than `limit` calls in flight at the same time, and keep `limit` calls in flight while enough items
remain: as soon as one call finishes, the next item starts (no batches).
''', '''
import asyncio


async def bounded_fetch(fetch, items, limit):
    ...
''', '''
import asyncio


async def bounded_fetch(fetch, items, limit):
    sem = asyncio.Semaphore(limit)

    async def one(item):
        async with sem:
            return await fetch(item)

    return list(await asyncio.gather(*(one(item) for item in items)))
''', '''
An `asyncio.Semaphore(limit)` lets at most `limit` coroutines past `async with sem` at once; the others
wait, in order, and one of them enters the moment a call finishes. Cutting the list into batches of
`limit` leaves slots idle while the slowest call of a batch runs.
''', [
    ('not_concurrent', 'batches of limit', '''
    import asyncio

    async def bounded_fetch(fetch, items, limit):
        results = []
        for k in range(0, len(items), limit):
            results += await asyncio.gather(*(fetch(i) for i in items[k:k + limit]))
        return results
    '''),
    ('wrong_answer', 'off by one: Semaphore(limit + 1)', '''
    import asyncio

    async def bounded_fetch(fetch, items, limit):
        sem = asyncio.Semaphore(limit + 1)
        async def one(item):
            async with sem:
                return await fetch(item)
        return await asyncio.gather(*(one(i) for i in items))
    '''),
    ('wrong_answer', 'no bound at all', '''
    import asyncio

    async def bounded_fetch(fetch, items, limit):
        return await asyncio.gather(*(fetch(i) for i in items))
    '''),
    ('timeout', 'Semaphore(limit - 1): with limit 1 nothing can ever start', '''
    import asyncio

    async def bounded_fetch(fetch, items, limit):
        sem = asyncio.Semaphore(limit - 1)
        async def one(item):
            async with sem:
                return await fetch(item)
        return await asyncio.gather(*(one(i) for i in items))
    '''),
])

q('code-fetch-or-default', 'cancellation-timeouts', 'A result or a default', 2, f'''
Write `async def fetch_or_default(fetch, item, timeout, default)`.

{FETCH}

Return the result of `fetch(item)` if it completes within `timeout` seconds. Otherwise cancel that call
and return `default` as soon as `timeout` has passed.
''', '''
import asyncio


async def fetch_or_default(fetch, item, timeout, default):
    ...
''', '''
import asyncio


async def fetch_or_default(fetch, item, timeout, default):
    try:
        return await asyncio.wait_for(fetch(item), timeout)
    except TimeoutError:
        return default
''', '''
`asyncio.wait_for` (or `async with asyncio.timeout(...)`) cancels the awaited call when the time is up and
raises `TimeoutError` (in Python 3.11, `asyncio.TimeoutError` is the built-in `TimeoutError`). Catch it and
return the default. `asyncio.wait(..., timeout=...)` only stops waiting: the call goes on running.
''', [
    ('not_cancelled', 'asyncio.wait with a timeout does not cancel', '''
    import asyncio

    async def fetch_or_default(fetch, item, timeout, default):
        task = asyncio.ensure_future(fetch(item))
        done, pending = await asyncio.wait([task], timeout=timeout)
        return task.result() if done else default
    '''),
    ('timeout', 'waits for the call, then compares the time', '''
    import asyncio

    async def fetch_or_default(fetch, item, timeout, default):
        loop = asyncio.get_running_loop()
        start = loop.time()
        result = await fetch(item)
        return result if loop.time() - start <= timeout else default
    '''),
    ('wrong_answer', 'always sleeps for the whole timeout first', '''
    import asyncio

    async def fetch_or_default(fetch, item, timeout, default):
        task = asyncio.ensure_future(fetch(item))
        await asyncio.sleep(timeout)
        if task.done():
            return task.result()
        task.cancel()
        return default
    '''),
    ('not_gradable', 'syntax error', '''
    import asyncio

    async def fetch_or_default(fetch, item, timeout, default)
        return await asyncio.wait_for(fetch(item), timeout)
    '''),
])

q('code-first-result', 'cancellation-timeouts', 'The first to finish wins', 2, f'''
Write `async def first_result(fetch, items)`.

{FETCH}

Run all the calls concurrently and return the result of the first call to finish. Before returning,
cancel the calls that are still running.
''', '''
import asyncio


async def first_result(fetch, items):
    ...
''', '''
import asyncio


async def first_result(fetch, items):
    tasks = [asyncio.create_task(fetch(item)) for item in items]
    try:
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        return done.pop().result()
    finally:
        for t in tasks:
            t.cancel()
''', '''
`asyncio.wait(tasks, return_when=FIRST_COMPLETED)` returns as soon as one task is done. The others keep
running unless you cancel them: `task.cancel()` on each (cancelling a finished task does nothing).
The `finally` also cancels them if `first_result` itself is cancelled.
''', [
    ('not_cancelled', 'returns the first result but leaves the others running', '''
    import asyncio

    async def first_result(fetch, items):
        tasks = [asyncio.create_task(fetch(i)) for i in items]
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        return done.pop().result()
    '''),
    ('wrong_answer', "gathers everything, then takes the first item's result", '''
    import asyncio

    async def first_result(fetch, items):
        results = await asyncio.gather(*(fetch(i) for i in items))
        return results[0]
    '''),
    ('blocked_loop', 'polls with time.sleep until a task is done', '''
    import asyncio, time

    async def first_result(fetch, items):
        tasks = [asyncio.create_task(fetch(i)) for i in items]
        while not any(t.done() for t in tasks):
            time.sleep(0.05)
        for t in tasks:
            t.cancel()
        return next(t.result() for t in tasks if t.done())
    '''),
])

q('code-retry', 'error-handling', 'Retry with exponential back-off', 2, '''
Write `async def retry(op, attempts, base_delay)`.

`op` is an async function supplied by the grader: `await op()` either returns a value or raises an
exception. Call it; after the k-th failure (k = 0, 1, 2, ...) wait `base_delay * 2**k` seconds and try
again, at most `attempts` calls in all. Return the first success; if every attempt fails, raise the
last exception.
''', '''
import asyncio


async def retry(op, attempts, base_delay):
    ...
''', '''
import asyncio


async def retry(op, attempts, base_delay):
    for k in range(attempts):
        try:
            return await op()
        except Exception:
            if k == attempts - 1:
                raise
            await asyncio.sleep(base_delay * 2 ** k)
''', '''
The loop makes at most `attempts` calls. A success returns at once; a failure waits with
`await asyncio.sleep` (which lets the loop do other work) and tries again, except after the last
attempt, where the bare `raise` re-raises the last exception unchanged.
''', [
    ('wrong_answer', 'swallows the last exception and returns None', '''
    import asyncio

    async def retry(op, attempts, base_delay):
        for k in range(attempts):
            try:
                return await op()
            except Exception:
                await asyncio.sleep(base_delay * 2 ** k)
    '''),
    ('wrong_answer', 'constant delay instead of doubling', '''
    import asyncio

    async def retry(op, attempts, base_delay):
        for k in range(attempts):
            try:
                return await op()
            except Exception:
                if k == attempts - 1:
                    raise
                await asyncio.sleep(base_delay)
    '''),
    ('blocked_loop', 'time.sleep between attempts', '''
    import time

    async def retry(op, attempts, base_delay):
        for k in range(attempts):
            try:
                return await op()
            except Exception:
                if k == attempts - 1:
                    raise
                time.sleep(base_delay * 2 ** k)
    '''),
    ('wrong_answer', 'one attempt too many (off by one)', '''
    import asyncio

    async def retry(op, attempts, base_delay):
        for k in range(attempts + 1):
            try:
                return await op()
            except Exception:
                if k == attempts:
                    raise
                await asyncio.sleep(base_delay * 2 ** k)
    '''),
])

q('code-safe-counter', 'synchronization', 'A counter that loses no update', 2, '''
Write `class SafeCounter` with `__init__(self, store)` and `async def increment(self)`.

`store` is supplied by the grader: `await store.get()` returns the current value and
`await store.set(value)` writes a new one; each takes a little while. `increment` reads the value and
writes it back plus one. Many `increment()` calls run concurrently, on the same counter, and must never
lose an update. Two counters with different stores must not wait for each other.
''', '''
import asyncio


class SafeCounter:
    def __init__(self, store):
        self.store = store

    async def increment(self):
        ...
''', '''
import asyncio


class SafeCounter:
    def __init__(self, store):
        self.store = store
        self.lock = asyncio.Lock()

    async def increment(self):
        async with self.lock:
            value = await self.store.get()
            await self.store.set(value + 1)
''', '''
Between `await store.get()` and `await store.set(...)` other increments run; without a lock two of them
read the same value and one update is lost. An `asyncio.Lock` held across both awaits makes the
read-modify-write one step. One lock per counter (made in `__init__`) keeps different counters
independent; a `threading.Lock` would block the whole event loop.
''', [
    ('wrong_answer', 'no lock: lost updates', '''
    class SafeCounter:
        def __init__(self, store):
            self.store = store

        async def increment(self):
            value = await self.store.get()
            await self.store.set(value + 1)
    '''),
    ('wrong_answer', 'a new lock for every call protects nothing', '''
    import asyncio

    class SafeCounter:
        def __init__(self, store):
            self.store = store

        async def increment(self):
            async with asyncio.Lock():
                value = await self.store.get()
                await self.store.set(value + 1)
    '''),
    ('blocked_loop', 'threading.Lock held across an await', '''
    import threading

    class SafeCounter:
        def __init__(self, store):
            self.store = store
            self.lock = threading.Lock()

        async def increment(self):
            with self.lock:
                value = await self.store.get()
                await self.store.set(value + 1)
    '''),
    ('not_concurrent', 'one lock shared by every counter', '''
    import asyncio

    class SafeCounter:
        lock = None

        def __init__(self, store):
            self.store = store
            if SafeCounter.lock is None or SafeCounter.lock._loop not in (None, asyncio.get_running_loop()):
                SafeCounter.lock = asyncio.Lock()

        async def increment(self):
            async with SafeCounter.lock:
                value = await self.store.get()
                await self.store.set(value + 1)
    '''),
])

q('code-run-blocking', 'non-blocking', 'Keep the loop free', 1, '''
Write `async def run_blocking(func, *args)`.

`func` is a plain (blocking) function supplied by the grader: calling `func(*args)` blocks its thread
for a while and then returns a value. Run it without blocking the event loop and return its result.
''', '''
import asyncio


async def run_blocking(func, *args):
    ...
''', '''
import asyncio


async def run_blocking(func, *args):
    return await asyncio.to_thread(func, *args)
''', '''
`asyncio.to_thread` runs the function in a worker thread and gives the loop a future to await, so other
tasks keep running meanwhile. Calling `func(*args)` directly, even inside an `async def`, stops the whole
loop until it returns.
''', [
    ('blocked_loop', 'calls func directly', '''
    async def run_blocking(func, *args):
        return func(*args)
    '''),
    ('blocked_loop', 'calls func before handing "it" to the executor', '''
    import asyncio

    async def run_blocking(func, *args):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, func(*args))
    '''),
    ('wrong_answer', 'passes the args tuple as one argument', '''
    import asyncio

    async def run_blocking(func, *args):
        return await asyncio.to_thread(func, args)
    '''),
])

q('code-managed-connection', 'async-oop', 'An async context manager', 2, '''
Write `class Managed`, built as `Managed(connect)`.

`connect` is an async function supplied by the grader: `conn = await connect()` opens a connection, and
`await conn.close()` closes it. `async with Managed(connect) as conn:` must await `connect()` and bind its
result to `conn`; when the block ends it must always await `conn.close()` — also when the body raises or
is cancelled — and never swallow the exception.
''', '''
class Managed:
    def __init__(self, connect):
        self.connect = connect

    async def __aenter__(self):
        ...

    async def __aexit__(self, exc_type, exc, tb):
        ...
''', '''
class Managed:
    def __init__(self, connect):
        self.connect = connect
        self.conn = None

    async def __aenter__(self):
        self.conn = await self.connect()
        return self.conn

    async def __aexit__(self, exc_type, exc, tb):
        await self.conn.close()
        return None
''', '''
`async with` awaits `__aenter__` and binds what it returns; it always awaits `__aexit__`, with the
exception if the body raised (or was cancelled). Returning a true value from `__aexit__` would swallow
that exception; returning None lets it propagate.
''', [
    ('wrong_answer', 'swallows the exception (returns True)', '''
    class Managed:
        def __init__(self, connect):
            self.connect = connect

        async def __aenter__(self):
            self.conn = await self.connect()
            return self.conn

        async def __aexit__(self, *exc):
            await self.conn.close()
            return True
    '''),
    ('wrong_answer', 'closes only when the body succeeds', '''
    class Managed:
        def __init__(self, connect):
            self.connect = connect

        async def __aenter__(self):
            self.conn = await self.connect()
            return self.conn

        async def __aexit__(self, exc_type, exc, tb):
            if exc_type is None:
                await self.conn.close()
    '''),
    ('wrong_answer', 'forgets to await close()', '''
    class Managed:
        def __init__(self, connect):
            self.connect = connect

        async def __aenter__(self):
            self.conn = await self.connect()
            return self.conn

        async def __aexit__(self, exc_type, exc, tb):
            self.conn.close()
    '''),
    ('wrong_answer', 'binds the manager instead of the connection', '''
    class Managed:
        def __init__(self, connect):
            self.connect = connect

        async def __aenter__(self):
            self.conn = await self.connect()
            return self

        async def __aexit__(self, exc_type, exc, tb):
            await self.conn.close()
    '''),
])

q('code-ticker', 'async-iteration', 'An async generator', 1, '''
Write `async def ticker(n, interval)`: an async generator that yields `0, 1, ..., n-1`, waiting
`interval` seconds before each value. Used as `async for i in ticker(3, 1.0): ...`.
''', '''
import asyncio


async def ticker(n, interval):
    ...
''', '''
import asyncio


async def ticker(n, interval):
    for i in range(n):
        await asyncio.sleep(interval)
        yield i
''', '''
An `async def` with `yield` is an async generator: `async for` resumes it for each value, and the
`await asyncio.sleep` between values lets the event loop run other tasks while it waits.
''', [
    ('wrong_answer', 'yields first, then waits', '''
    import asyncio

    async def ticker(n, interval):
        for i in range(n):
            yield i
            await asyncio.sleep(interval)
    '''),
    ('wrong_answer', 'off by one: one value too many', '''
    import asyncio

    async def ticker(n, interval):
        for i in range(n + 1):
            await asyncio.sleep(interval)
            yield i
    '''),
    ('blocked_loop', 'time.sleep in an async generator', '''
    import time

    async def ticker(n, interval):
        for i in range(n):
            time.sleep(interval)
            yield i
    '''),
    ('not_gradable', 'returns a list instead of yielding', '''
    import asyncio

    async def ticker(n, interval):
        out = []
        for i in range(n):
            await asyncio.sleep(interval)
            out.append(i)
        return out
    '''),
])

q('code-fetch-all-settled', 'error-handling', 'Every result or its error', 2, f'''
Write `async def fetch_all_settled(fetch, items)`.

{FETCH}

Run all calls concurrently and return, in the order of `items`, each call's result or the exception
that call raised (the exception object itself). One failure must not cancel the other calls, and
`fetch_all_settled` itself must not raise.
''', '''
import asyncio


async def fetch_all_settled(fetch, items):
    ...
''', '''
import asyncio


async def fetch_all_settled(fetch, items):
    return list(await asyncio.gather(*(fetch(item) for item in items), return_exceptions=True))
''', '''
With `return_exceptions=True`, `gather` treats an exception like a result: it is put in the list in the
place of its awaitable, and the other awaitables keep running. Without it, the first exception
propagates out of `gather` (the other calls go on, unobserved); a TaskGroup would cancel them.
''', [
    ('wrong_answer', 'gather without return_exceptions raises', '''
    import asyncio

    async def fetch_all_settled(fetch, items):
        return await asyncio.gather(*(fetch(i) for i in items))
    '''),
    ('wrong_answer', 'TaskGroup cancels the others', '''
    import asyncio

    async def fetch_all_settled(fetch, items):
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(fetch(i)) for i in items]
        return [t.result() for t in tasks]
    '''),
    ('not_concurrent', 'sequential try/except', '''
    async def fetch_all_settled(fetch, items):
        out = []
        for i in items:
            try:
                out.append(await fetch(i))
            except Exception as e:
                out.append(e)
        return out
    '''),
    ('wrong_answer', 'puts the message, not the exception', '''
    import asyncio

    async def fetch_all_settled(fetch, items):
        res = await asyncio.gather(*(fetch(i) for i in items), return_exceptions=True)
        return [str(r) if isinstance(r, Exception) else r for r in res]
    '''),
])

q('code-timer', 'async-oop', 'Time a block with an async context manager', 1, '''
Write `class Timer`, an async context manager: `async with Timer() as t:` binds the Timer itself, and
after the block `t.elapsed` holds the number of seconds the block took, measured with the event loop's
clock (`asyncio.get_running_loop().time()`) — also when the block raised, and without swallowing the
exception.
''', '''
import asyncio


class Timer:
    async def __aenter__(self):
        ...

    async def __aexit__(self, exc_type, exc, tb):
        ...
''', '''
import asyncio


class Timer:
    def __init__(self):
        self.elapsed = None

    async def __aenter__(self):
        self.start = asyncio.get_running_loop().time()
        return self

    async def __aexit__(self, exc_type, exc, tb):
        self.elapsed = asyncio.get_running_loop().time() - self.start
        return False
''', '''
`__aenter__` notes the start and returns `self`, so `as t` binds the timer; `__aexit__` runs however the
block ends and stores the difference. Returning False (or None) lets an exception from the block propagate.
''', [
    ('wrong_answer', 'returns None from __aenter__', '''
    import asyncio

    class Timer:
        async def __aenter__(self):
            self.start = asyncio.get_running_loop().time()

        async def __aexit__(self, *exc):
            self.elapsed = asyncio.get_running_loop().time() - self.start
    '''),
    ('wrong_answer', 'swallows exceptions', '''
    import asyncio

    class Timer:
        async def __aenter__(self):
            self.start = asyncio.get_running_loop().time()
            return self

        async def __aexit__(self, *exc):
            self.elapsed = asyncio.get_running_loop().time() - self.start
            return True
    '''),
    ('wrong_answer', 'measures only when the body succeeds', '''
    import asyncio

    class Timer:
        async def __aenter__(self):
            self.start = asyncio.get_running_loop().time()
            return self

        async def __aexit__(self, exc_type, exc, tb):
            if exc_type is None:
                self.elapsed = asyncio.get_running_loop().time() - self.start
    '''),
])

q('code-countdown', 'async-iteration', 'An async iterator class', 2, '''
Write `class Countdown`, built as `Countdown(n, interval)`: an async iterator. `async for v in
Countdown(3, 1.0)` yields `3, 2, 1`, waiting `interval` seconds before each value, then stops.
Implement `__aiter__` and `async def __anext__` (no generator).
''', '''
import asyncio


class Countdown:
    def __init__(self, n, interval):
        ...

    def __aiter__(self):
        ...

    async def __anext__(self):
        ...
''', '''
import asyncio


class Countdown:
    def __init__(self, n, interval):
        self.n = n
        self.interval = interval

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self.n <= 0:
            raise StopAsyncIteration
        await asyncio.sleep(self.interval)
        value = self.n
        self.n -= 1
        return value
''', '''
`async for` calls `__aiter__` once and then awaits `__anext__` for each value; raising
`StopAsyncIteration` ends the loop. (Raising `StopIteration` inside a coroutine is turned into a
RuntimeError.)
''', [
    ('runtime_error', 'raises StopIteration instead of StopAsyncIteration', '''
    import asyncio

    class Countdown:
        def __init__(self, n, interval):
            self.n, self.interval = n, interval

        def __aiter__(self):
            return self

        async def __anext__(self):
            if self.n <= 0:
                raise StopIteration
            await asyncio.sleep(self.interval)
            self.n -= 1
            return self.n + 1
    '''),
    ('wrong_answer', 'counts down to 0', '''
    import asyncio

    class Countdown:
        def __init__(self, n, interval):
            self.n, self.interval = n, interval

        def __aiter__(self):
            return self

        async def __anext__(self):
            if self.n < 0:
                raise StopAsyncIteration
            await asyncio.sleep(self.interval)
            self.n -= 1
            return self.n + 1
    '''),
    ('blocked_loop', 'time.sleep in __anext__', '''
    import time

    class Countdown:
        def __init__(self, n, interval):
            self.n, self.interval = n, interval

        def __aiter__(self):
            return self

        async def __anext__(self):
            if self.n <= 0:
                raise StopAsyncIteration
            time.sleep(self.interval)
            self.n -= 1
            return self.n + 1
    '''),
])

q('code-dedup-cache', 'synchronization', 'A cache that fetches each item once', 3, f'''
Write `class Cache`, built as `Cache(fetch)`, with `async def get(self, item)`.

{FETCH}

`get(item)` returns `fetch(item)`'s result. Each item is fetched **once**: a `get` of an item already
fetched returns the stored result at once, and concurrent `get`s of an item being fetched wait for that
same call. Gets of different items must not wait for each other.
''', '''
import asyncio


class Cache:
    def __init__(self, fetch):
        self.fetch = fetch

    async def get(self, item):
        ...
''', '''
import asyncio


class Cache:
    def __init__(self, fetch):
        self.fetch = fetch
        self.tasks = {}

    async def get(self, item):
        if item not in self.tasks:
            self.tasks[item] = asyncio.ensure_future(self.fetch(item))
        return await self.tasks[item]
''', '''
Storing the *task* (not the result) in the dict before awaiting it makes every concurrent `get` of the
same item await the same call; later gets find the finished task and get its result at once. Checking
and inserting happen without an `await` in between, so no other coroutine can slip in.
''', [
    ('wrong_answer', 'caches results only after they arrive: concurrent gets fetch again', '''
    class Cache:
        def __init__(self, fetch):
            self.fetch = fetch
            self.values = {}

        async def get(self, item):
            if item not in self.values:
                self.values[item] = await self.fetch(item)
            return self.values[item]
    '''),
    ('not_concurrent', 'one lock held while fetching: different items wait', '''
    import asyncio

    class Cache:
        def __init__(self, fetch):
            self.fetch = fetch
            self.values = {}
            self.lock = asyncio.Lock()

        async def get(self, item):
            async with self.lock:
                if item not in self.values:
                    self.values[item] = await self.fetch(item)
                return self.values[item]
    '''),
    ('wrong_answer', 'no cache at all', '''
    class Cache:
        def __init__(self, fetch):
            self.fetch = fetch

        async def get(self, item):
            return await self.fetch(item)
    '''),
])

q('code-fetch-with-deadline', 'cancellation-timeouts', 'All results within a deadline', 2, f'''
Write `async def fetch_all_within(fetch, items, seconds)`.

{FETCH}

Fetch all items concurrently and return the results in the order of `items` — if they all finish
within `seconds` (for all the calls together). If not, cancel every call still running and raise
`TimeoutError` as soon as `seconds` have passed.
''', '''
import asyncio


async def fetch_all_within(fetch, items, seconds):
    ...
''', '''
import asyncio


async def fetch_all_within(fetch, items, seconds):
    async with asyncio.timeout(seconds):
        return list(await asyncio.gather(*(fetch(item) for item in items)))
''', '''
`asyncio.timeout(seconds)` cancels the block when the time is up and turns the cancellation into a
`TimeoutError`. Cancelling the `gather` cancels every call it is still waiting for.
''', [
    ('not_cancelled', 'asyncio.wait with a timeout leaves the slow calls running', '''
    import asyncio

    async def fetch_all_within(fetch, items, seconds):
        if not items:
            return []
        tasks = [asyncio.ensure_future(fetch(i)) for i in items]
        done, pending = await asyncio.wait(tasks, timeout=seconds)
        if pending:
            raise TimeoutError
        return [t.result() for t in tasks]
    '''),
    ('not_concurrent', 'a timeout per call, one call after another', '''
    import asyncio

    async def fetch_all_within(fetch, items, seconds):
        return [await asyncio.wait_for(fetch(i), seconds) for i in items]
    '''),
    ('wrong_answer', 'returns None instead of raising', '''
    import asyncio

    async def fetch_all_within(fetch, items, seconds):
        try:
            async with asyncio.timeout(seconds):
                return await asyncio.gather(*(fetch(i) for i in items))
        except TimeoutError:
            return None
    '''),
])

q('code-fetch-all-or-fail', 'error-handling', 'All or nothing', 3, f'''
Write `async def fetch_all_or_fail(fetch, items)`.

{FETCH}

Run all calls concurrently and return the results in the order of `items`. If a call fails, cancel
the calls still running and raise that call's exception itself — the first one to fail — (not an
ExceptionGroup).
''', '''
import asyncio


async def fetch_all_or_fail(fetch, items):
    ...
''', '''
import asyncio


async def fetch_all_or_fail(fetch, items):
    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(fetch(item)) for item in items]
    except ExceptionGroup as group:
        raise group.exceptions[0] from None
    return [t.result() for t in tasks]
''', '''
A TaskGroup cancels its other tasks as soon as one fails and then raises an ExceptionGroup of the
failures. Here only the first call fails before the others are cancelled, so the group holds that one
exception; catch the group with `except ExceptionGroup` and re-raise the exception inside it. (Re-raising
it from an `except*` clause depends on the version: from Python 3.11.4 (gh-103590) the exception leaves
bare when nothing else of the group is left unhandled, but on 3.11.0-3.11.3 it is wrapped in a new
ExceptionGroup, and on every version it is wrapped together with whatever else is left.)
''', [
    ('not_cancelled', 'gather raises the first error but the others run on', '''
    import asyncio

    async def fetch_all_or_fail(fetch, items):
        return await asyncio.gather(*(fetch(i) for i in items))
    '''),
    ('wrong_answer', 'lets the ExceptionGroup out', '''
    import asyncio

    async def fetch_all_or_fail(fetch, items):
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(fetch(i)) for i in items]
        return [t.result() for t in tasks]
    '''),
    ('wrong_answer', 'return_exceptions, then raises after everything finished', '''
    import asyncio

    async def fetch_all_or_fail(fetch, items):
        res = await asyncio.gather(*(fetch(i) for i in items), return_exceptions=True)
        for r in res:
            if isinstance(r, Exception):
                raise r
        return res
    '''),
])

q('code-queue-workers', 'synchronization', 'Workers on a queue', 3, f'''
Write `async def consume(queue, fetch, workers)`.

`queue` is an `asyncio.Queue` that the grader fills over time; after the last item it puts `None`.
{FETCH}

Start `workers` worker tasks. Each takes the next item from the queue, fetches it, and goes on until
the end; each worker handles one item at a time. Return a dict `{{item: result}}` once every item has
been fetched.
''', '''
import asyncio


async def consume(queue, fetch, workers):
    ...
''', '''
import asyncio


async def consume(queue, fetch, workers):
    results = {}

    async def worker():
        while True:
            item = await queue.get()
            if item is None:
                await queue.put(None)    # let the other workers see the end too
                return
            results[item] = await fetch(item)

    await asyncio.gather(*(worker() for _ in range(workers)))
    return results
''', '''
`await queue.get()` waits without blocking the loop until an item is there. There is one `None` for all
workers, so the worker that takes it puts it back for the next one. `gather` waits until every worker
has seen the end.
''', [
    ('timeout', 'only the first worker sees the single None: the others wait forever', '''
    import asyncio

    async def consume(queue, fetch, workers):
        results = {}

        async def worker():
            while True:
                item = await queue.get()
                if item is None:
                    return
                results[item] = await fetch(item)

        await asyncio.gather(*(worker() for _ in range(workers)))
        return results
    '''),
    ('not_concurrent', 'a single worker whatever `workers` says', '''
    async def consume(queue, fetch, workers):
        results = {}
        while True:
            item = await queue.get()
            if item is None:
                return results
            results[item] = await fetch(item)
    '''),
    ('wrong_answer', 'each item fetched by every worker', '''
    import asyncio

    async def consume(queue, fetch, workers):
        items = []
        while (item := await queue.get()) is not None:
            items.append(item)
        results = {}
        async def worker():
            for i in items:
                results[i] = await fetch(i)
        await asyncio.gather(*(worker() for _ in range(workers)))
        return results
    '''),
])


if __name__ == '__main__':
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'code_questions.json')
    with open(out, 'w') as f:
        json.dump({'questions': Q}, f, indent=2, ensure_ascii=False)
        f.write('\n')
    print('wrote %d questions to %s' % (len(Q), out))
