from helpers import S, M, P, Q


def H(qid, *hints):
    """Hints for the question `qid` defined just above: 1 to 3, revealed one at a time (S, M and P take none)."""
    [q] = [q for q in Q if q["id"] == qid]
    q["hints"] = list(hints)


PO = "What does this program print?"

# ---------------------------------------------------------------- synchronization
T = "synchronization"

P("lock-serializes", T, "A Lock around a critical section", 1, PO,
  r"""
  import asyncio

  async def critical(lock, name):
      async with lock:
          print(name, "in")
          await asyncio.sleep(0.05)
          print(name, "out")

  async def main():
      lock = asyncio.Lock()
      await asyncio.gather(critical(lock, "A"), critical(lock, "B"))

  asyncio.run(main())
  """,
  """
  A in
  A out
  B in
  B out
  """,
  """
  A acquires the lock first. When B reaches `async with lock`, the lock is taken, so B suspends
  (without blocking the loop) until A leaves the block. The critical sections never overlap.
  """)

P("lock-fixes-race", T, "A Lock against lost updates", 2, PO,
  r"""
  import asyncio

  counter = 0

  async def increment(lock):
      global counter
      async with lock:
          value = counter
          await asyncio.sleep(0)
          counter = value + 1

  async def main():
      lock = asyncio.Lock()
      await asyncio.gather(*(increment(lock) for _ in range(5)))
      print(counter)

  asyncio.run(main())
  """,
  """
  5
  """,
  """
  Without the lock, all five tasks would read 0 before any writes (result 1). With the lock, the
  whole read–await–write sequence of one task completes before the next task may read, so no
  update is lost: 5.
  """)

P("event-wakes-all", T, "An Event", 2, PO,
  r"""
  import asyncio

  async def waiter(event, name):
      print(name, "waiting")
      await event.wait()
      print(name, "released")

  async def main():
      event = asyncio.Event()
      tasks = [asyncio.create_task(waiter(event, n)) for n in ("w1", "w2")]
      await asyncio.sleep(0.05)
      print("setting")
      event.set()
      await asyncio.gather(*tasks)
      print("is_set:", event.is_set())

  asyncio.run(main())
  """,
  """
  w1 waiting
  w2 waiting
  setting
  w1 released
  w2 released
  is_set: True
  """,
  """
  `event.wait()` suspends until the event is set. `event.set()` wakes **all** waiters (in the
  order they started waiting) and the event stays set until `clear()` is called, so later
  `wait()` calls return immediately.
  """)

P("semaphore-limit", T, "A Semaphore limiting concurrency", 2, PO,
  r"""
  import asyncio

  active = 0
  peak = 0

  async def job(sem, i):
      global active, peak
      async with sem:
          active += 1
          peak = max(peak, active)
          await asyncio.sleep(0.05)
          active -= 1
      return i * i

  async def main():
      sem = asyncio.Semaphore(2)
      results = await asyncio.gather(*(job(sem, i) for i in range(5)))
      print(results, "peak:", peak)

  asyncio.run(main())
  """,
  """
  [0, 1, 4, 9, 16] peak: 2
  """,
  """
  `Semaphore(2)` lets at most two tasks inside `async with sem` at once; the others wait their
  turn. All five jobs still complete, gather keeps argument order, and the peak number of jobs
  inside the block is 2.
  """)

P("queue-await-no-suspend", T, "An unbounded Queue", 3, PO,
  r"""
  import asyncio

  async def producer(q):
      for i in range(3):
          await q.put(i)
          print("put", i)
      await q.put(None)

  async def consumer(q):
      while (item := await q.get()) is not None:
          print("got", item)

  async def main():
      q = asyncio.Queue()
      await asyncio.gather(producer(q), consumer(q))

  asyncio.run(main())
  """,
  """
  put 0
  put 1
  put 2
  got 0
  got 1
  got 2
  """,
  """
  An `await` only gives control to other tasks if the awaited operation actually has to wait.
  `put` on an unbounded queue never waits, so the producer runs to the end in one go. Then the
  consumer runs; `get` on a non-empty queue does not wait either, so it drains all items at once.
  """)
H("queue-await-no-suspend",
  "An `await` only gives control to other tasks if the awaited operation actually has to wait.",
  "Does `put` on an unbounded `asyncio.Queue` ever have to wait? And `get` on a queue that already "
  "holds items?")

S("threading-lock-in-async", T, "`threading.Lock` in coroutines", 2,
  """
  Why should coroutines use `asyncio.Lock` (with `async with`) instead of `threading.Lock`?
  """,
  [("A held `threading.Lock` blocks the thread, so the loop can't run the task that would release it: deadlock", True,
    "Right: `asyncio.Lock.acquire()` suspends only the waiting coroutine."),
   ("`asyncio.Lock` also protects data that other threads change, unlike a plain `threading.Lock`", False,
    "asyncio primitives are not thread-safe; they coordinate tasks of one loop."),
   ("`threading.Lock` cannot be used with a `with` statement", False,
    "It can; it just blocks the thread while waiting."),
   ("`threading.Lock` is too slow for the many tasks of an event loop", False,
    "Speed is not the issue; the problem is blocking.")],
  """
  asyncio primitives wait by suspending the coroutine, so the loop keeps running other tasks,
  including the one that will release the lock. A thread lock waits by blocking the thread that
  also runs the loop, which stalls or deadlocks the program.
  """)

S("queue-join", T, "`Queue.join()`", 2,
  """
  A producer puts 10 items into an `asyncio.Queue` and then calls `await q.join()`. When does
  `join()` return?
  """,
  [("When `task_done()` has been called once per item put", True,
    "Right: join waits until the count of unfinished items drops to zero."),
   ("When all consumer tasks have exited or been cancelled", False,
    "The queue does not know about consumer tasks, only about task_done calls."),
   ("Immediately: `join()` only checks whether the queue is empty right now", False,
    "join waits; `qsize()` is the non-waiting check."),
   ("As soon as the queue is empty, even if consumers are still busy", False,
    "Empty is not enough: items taken out may still be being processed.")],
  """
  Every `put` increments a counter of unfinished items, and every `task_done()` decrements it.
  `join()` waits until it reaches zero, i.e. until consumers have confirmed every item.
  """,
  proof=(r"""
  import asyncio

  async def consumer(q):
      while True:
          item = await q.get()
          await asyncio.sleep(0.01)
          print("processed", item)
          q.task_done()

  async def main():
      q = asyncio.Queue()
      for i in range(3):
          q.put_nowait(i)
      worker = asyncio.create_task(consumer(q))
      await q.join()
      print("join returned")
      worker.cancel()

  asyncio.run(main())
  """, """
  processed 0
  processed 1
  processed 2
  join returned
  """))

S("lock-not-reentrant", T, "Acquiring a Lock twice", 3,
  """
  ```python
  lock = asyncio.Lock()
  async with lock:
      async with lock:     # same task, same lock
          ...
  ```
  What happens at the inner `async with lock`?
  """,
  [("It blocks the whole event loop, so no other task runs either", False,
    "Only this task waits; other tasks keep running. The bug is that this task never continues."),
   ("It succeeds because the same task already owns the lock (it is reentrant)", False,
    "asyncio.Lock is not reentrant; it does not track an owner."),
   ("It raises `RuntimeError` immediately: a task cannot take a lock twice", False,
    "asyncio does not detect this; the task just waits."),
   ("The task waits forever for a lock only it could release", True,
    "Right: nothing else releases the lock, so the inner acquire never succeeds.")],
  """
  `asyncio.Lock` is non-reentrant: a second acquire by the same task waits like any other. Since
  the holder is the waiter, it never wakes up. Restructure the code so the lock is taken once.
  """,
  proof=(r"""
  import asyncio

  async def main():
      lock = asyncio.Lock()
      async with lock:
          try:
              async with asyncio.timeout(0.05):
                  async with lock:
                      print("inner acquired")
          except TimeoutError:
              print("inner acquire was still waiting")
      print("locked at the end:", lock.locked())

  asyncio.run(main())
  """, """
  inner acquire was still waiting
  locked at the end: False
  """))
H("lock-not-reentrant",
  "`asyncio.Lock` does not record which task owns it: a second acquire by the same task waits like "
  "anyone else's.",
  "Who could ever release the lock the outer block holds? And does one task waiting on a lock stop "
  "the other tasks of the loop?")

M("sync-primitives-facts", T, "asyncio synchronization primitives", 2,
  """
  Which statements about asyncio's synchronization primitives are true? Select all that apply.
  """,
  [("`event.set()` wakes only the first task waiting on the event", False,
    "An Event is a broadcast: `set()` wakes every waiter, and the event stays set until cleared."),
   ("A lock is needed even for code that has no `await` between reading and writing shared data", False,
    "Without an await in between, no other task can run there; the section is already atomic."),
   ("asyncio primitives are not thread-safe: they coordinate tasks of one event loop", True,
    "To talk to other threads use `loop.call_soon_threadsafe` or `asyncio.run_coroutine_threadsafe`."),
   ("Awaiting `q.get()` on an empty `asyncio.Queue` blocks the thread", False,
    "It suspends only the calling coroutine until an item arrives."),
   ("`asyncio.Semaphore(3)` lets at most 3 tasks hold it at the same time", True,
    "Each acquire decrements the counter; the fourth acquirer waits.")],
  """
  Lock, Event, Semaphore and Queue wait by suspending coroutines, never by blocking the thread.
  They synchronize tasks of one loop, and they are only needed where an await could interleave
  other tasks.
  """,
  proof=(r"""
  import asyncio

  async def main():
      sem = asyncio.Semaphore(3)
      for _ in range(3):
          await sem.acquire()
      print("locked after 3 acquires:", sem.locked())
      q = asyncio.Queue()
      getter = asyncio.create_task(q.get())
      await asyncio.sleep(0.01)
      print("loop still runs while get() waits:", not getter.done())
      q.put_nowait("x")
      print(await getter)
      ev = asyncio.Event()
      waiters = [asyncio.create_task(ev.wait()) for _ in range(3)]
      await asyncio.sleep(0)
      ev.set()
      print("woken by one set():", sum(await asyncio.gather(*waiters)))

  asyncio.run(main())
  """, """
  locked after 3 acquires: True
  loop still runs while get() waits: True
  x
  woken by one set(): 3
  """))

M("queue-facts", T, "asyncio.Queue", 2,
  """
  Which statements about `asyncio.Queue` are true? Select all that apply.
  """,
  [("`q.get()` returns the most recently put item first", False,
    "`asyncio.Queue` is FIFO: the oldest item comes out first; only `LifoQueue` works last-in, first-out."),
   ("`q.get_nowait()` on an empty queue raises `asyncio.QueueEmpty`", True,
    "The `_nowait` variants never wait; they raise instead."),
   ("`q.get()` returns `None` when the queue is empty", False,
    "It waits for an item; a `None` you see was put by someone (often as a stop signal)."),
   ("Calling `task_done()` is required before the next `get()` works", False,
    "task_done only matters for `join()`; get works regardless."),
   ("With `maxsize=2`, a third `await q.put(x)` raises `asyncio.QueueFull`", False,
    "`await q.put(x)` waits until a consumer takes an item (back-pressure); only `put_nowait` raises `QueueFull`.")],
  """
  asyncio.Queue is a FIFO channel between tasks: `put` waits when a bounded queue is full, `get`
  waits when it is empty, the `_nowait` variants raise instead of waiting, and `task_done` /
  `join` track completed work.
  """,
  proof=(r"""
  import asyncio

  async def main():
      q = asyncio.Queue(maxsize=2)
      await q.put("a")
      await q.put("b")
      third = asyncio.create_task(q.put("c"))
      await asyncio.sleep(0.01)
      print("third put done:", third.done())
      print(q.get_nowait(), "taken")
      await third
      print([q.get_nowait() for _ in range(2)])
      try:
          q.get_nowait()
      except asyncio.QueueEmpty:
          print("QueueEmpty")

  asyncio.run(main())
  """, """
  third put done: False
  a taken
  ['b', 'c']
  QueueEmpty
  """))

# ---------------------------------------------------------------- nested-async
T = "nested-async"

P("nested-await-chain", T, "A chain of awaits", 1, PO,
  r"""
  import asyncio

  async def inner(x):
      print("inner start", x)
      await asyncio.sleep(0.01)
      print("inner end", x)
      return x * 10

  async def middle(x):
      print("middle start")
      y = await inner(x) + 1
      print("middle end")
      return y

  async def main():
      print(await middle(4))

  asyncio.run(main())
  """,
  """
  middle start
  inner start 4
  inner end 4
  middle end
  41
  """,
  """
  Awaiting a coroutine is like calling a function: `middle` is suspended while `inner` runs, and
  resumes with `inner`'s return value (40), adds 1 and returns 41 to `main`.
  """)

P("nested-exception-finally", T, "An exception through nested coroutines", 2, PO,
  r"""
  import asyncio

  async def inner():
      await asyncio.sleep(0)
      raise ValueError("bad input")

  async def middle():
      try:
          result = await inner()
          print("middle got", result)
      except TypeError:
          print("middle: TypeError")
      finally:
          print("middle cleanup")
      print("middle end")

  async def main():
      try:
          await middle()
      except ValueError as e:
          print("main caught", e)

  asyncio.run(main())
  """,
  """
  middle cleanup
  main caught bad input
  """,
  """
  The ValueError raised in `inner` travels up the await chain exactly as through ordinary calls.
  In `middle` it skips the rest of the `try` block, does not match `except TypeError`, runs the
  `finally` block, and leaves `middle` at once (so "middle end" is never printed). `main`'s
  handler catches it.
  """)

P("closure-late-binding", T, "Closures created in a loop", 3, PO,
  r"""
  import asyncio

  async def main():
      coros = []
      for i in range(3):
          async def show():
              await asyncio.sleep(0)
              return i
          coros.append(show())
      print(await asyncio.gather(*coros))

  asyncio.run(main())
  """,
  """
  [2, 2, 2]
  """,
  """
  The nested coroutine reads the variable `i` when its body runs, not when it was defined or
  called. The bodies only run inside gather, after the loop has finished and `i` is 2. Pass the
  value as a parameter (`async def show(i): ...`, `show(i)`) to capture each value.
  """)
H("closure-late-binding",
  "A nested function reads the variable `i` when its body *runs*, not when it is defined or when "
  "the coroutine object is created.",
  "When do the bodies of the three coroutines actually run, and what is `i` by then?")

P("async-decorator", T, "A decorator for coroutine functions", 2, PO,
  r"""
  import asyncio

  def logged(func):
      async def wrapper(*args):
          print("calling", func.__name__, args)
          result = await func(*args)
          print("returned", result)
          return result
      return wrapper

  @logged
  async def double(x):
      await asyncio.sleep(0)
      return 2 * x

  async def main():
      print(await double(await double(3)))

  asyncio.run(main())
  """,
  """
  calling double (3,)
  returned 6
  calling double (6,)
  returned 12
  12
  """,
  """
  The wrapper is itself an `async def`, so it can `await` the wrapped coroutine and see its
  result. The inner `double(3)` is awaited first (6), then `double(6)` (12). A plain `def`
  wrapper could only return the coroutine object without seeing the result.
  """)

P("return-without-await", T, "A coroutine that returns a coroutine", 2, PO,
  r"""
  import asyncio

  async def load_user(uid):
      await asyncio.sleep(0.01)
      return f"user {uid}"

  async def handler(uid):
      print("handler runs")
      return load_user(uid)         # the await is missing

  async def main():
      r = await handler(7)
      print(type(r).__name__)
      print(await r)

  asyncio.run(main())
  """,
  """
  handler runs
  coroutine
  user 7
  """,
  """
  `handler` is a coroutine, so `await handler(7)` runs its body, which calls `load_user(7)`
  without awaiting it: that only creates a coroutine object, and `handler` returns it as its
  result. The caller receives an unstarted coroutine, not the user; awaiting it a second time
  finally runs `load_user`. In a nested call chain, every level must `await` the level below (or
  the caller ends up with a coroutine where it expected a value, or one that is never awaited).
  """)
H("return-without-await",
  "Calling an `async def` function without `await` only creates a coroutine object; none of its "
  "body runs.",
  "So what does `handler` return to `main`, and what happens when `main` awaits that returned "
  "value?")

S("sync-helper-needs-async", T, "A regular helper needs async data", 2,
  """
  Inside a coroutine you call a regular (non-async) helper function `build_report()`, and that
  helper now needs the result of the coroutine `fetch_rows()`. What is the right fix?
  """,
  [("Inside the helper, call `asyncio.run(fetch_rows())`", False,
    "A loop is already running in this thread; asyncio.run raises `RuntimeError`."),
   ("Inside the helper, call `fetch_rows()` without await", False,
    "That only creates a coroutine object; no rows are fetched."),
   ("Inside the helper, loop with `time.sleep` until the rows are there", False,
    "The rows can only arrive if the loop runs, and time.sleep blocks it: this never ends."),
   ("Make the helper `async def`, await it, and let it `await fetch_rows()`", True,
    "Right: async-ness propagates up the call chain; the caller is already a coroutine.")],
  """
  Only coroutines can await. If a function needs an awaited result, it must become a coroutine
  itself and its callers must await it. Starting a second event loop from inside a running one
  is not allowed.
  """,
  proof=(r"""
  import asyncio

  async def fetch_rows():
      await asyncio.sleep(0)
      return [1, 2, 3]

  def build_report_wrong():
      coro = fetch_rows()
      try:
          return asyncio.run(coro)
      finally:
          coro.close()  # it never ran: close it so that Python does not warn

  async def build_report():
      return sum(await fetch_rows())

  async def main():
      try:
          build_report_wrong()
      except RuntimeError:
          print("asyncio.run inside a running loop: RuntimeError")
      print("report:", await build_report())

  asyncio.run(main())
  """, """
  asyncio.run inside a running loop: RuntimeError
  report: 6
  """))

S("nested-cancel-innermost", T, "Cancelling a nested await chain", 3,
  """
  A task runs `outer()`, which is awaiting `middle()`, which is awaiting `inner()`, which is
  suspended in `await asyncio.sleep(5)`. The task is cancelled. Where does `CancelledError` first
  appear, and what happens next?
  """,
  [("Nowhere: only Tasks can be cancelled, not nested coroutines", False,
    "The Task is cancelled, and its coroutine chain is what receives the error."),
   ("In all three coroutines at the same time", False,
    "There is one exception travelling up one chain, not three."),
   ("At the `await asyncio.sleep(5)` in `inner()`; it then unwinds `middle()` and `outer()`, running their `finally` blocks", True,
    "Right: the error is thrown in where the chain is suspended and unwinds it like any exception."),
   ("In `outer()` only; `middle()` and `inner()` are abandoned without running their `finally` blocks", False,
    "The whole chain is one stack; abandoning inner frames without cleanup would break `finally` guarantees.")],
  """
  A task runs one stack of nested coroutines. Cancellation throws `CancelledError` into the
  innermost suspended await, and it propagates outward through every frame, running cleanup code
  from inside out.
  """,
  proof=(r"""
  import asyncio

  async def inner():
      try:
          await asyncio.sleep(5)
      finally:
          print("inner cleanup")

  async def middle():
      try:
          await inner()
      finally:
          print("middle cleanup")

  async def outer():
      try:
          await middle()
      finally:
          print("outer cleanup")

  async def main():
      t = asyncio.create_task(outer())
      await asyncio.sleep(0.05)
      t.cancel()
      await asyncio.gather(t, return_exceptions=True)

  asyncio.run(main())
  """, """
  inner cleanup
  middle cleanup
  outer cleanup
  """))
H("nested-cancel-innermost",
  "A task runs one stack of nested coroutines; cancelling it throws a single `CancelledError` in at "
  "the point where that stack is suspended.",
  "From there it travels outward like any exception: through which frames, and do their `finally` "
  "blocks run?")

M("nested-facts", T, "Nested coroutines", 2,
  """
  Which statements about nested async functions are true? Select all that apply.
  """,
  [("A regular `def` nested inside an `async def` may use `await`", False,
    "`await` is only allowed in the body of an `async def` itself; the nested `def` is a separate function."),
   ("An `async def` can be defined inside another function and closes over its variables", True,
    "Nested coroutine functions are closures like any nested function."),
   ("Awaiting `inner()` from `outer()` does not create a new Task: both run in the same task", True,
    "A plain await runs the inner coroutine as part of the current task's call chain."),
   ("Calling a nested `async def` without `await` only creates a coroutine object", True,
    "Yes: nothing runs until it is awaited; use `create_task` for background work."),
   ("While `outer()` awaits `inner()`, `outer()` is suspended too", True,
    "The outer coroutine waits for the inner one to finish, just like a normal call.")],
  """
  Nested coroutines form a call chain inside one task. They can be defined anywhere, close over
  variables like any function, and each one still needs to be awaited (or made a task) to run.
  """,
  proof=(r"""
  import asyncio

  async def outer():
      factor = 10
      async def inner(x):
          await asyncio.sleep(0)
          return x * factor, asyncio.current_task()
      value, task_in_inner = await inner(4)
      print(value, task_in_inner is asyncio.current_task())

  asyncio.run(outer())
  """, """
  40 True
  """))

M("wrapping-coroutines", T, "Wrappers around coroutine functions", 3,
  """
  You write a decorator `timed(func)` for coroutine functions. Which implementations make
  `await decorated(x)` return the original result *and* let the wrapper run code after the
  wrapped coroutine has finished? Select all that apply.
  """,
  [("`def wrapper(*a): return asyncio.run(func(*a))`", False,
    "Called from inside a running loop this raises RuntimeError; and it returns a value, not an awaitable."),
   ("`async def wrapper(*a): r = await func(*a); log(); return r`", True,
    "An async wrapper can await the coroutine and act after it finishes."),
   ("`def wrapper(*a): r = func(*a); log(); return r`", False,
    "This returns the coroutine object (so awaiting works), but `log()` runs before the coroutine even starts."),
   ("`async def wrapper(*a):` with `try: return await func(*a)` and `finally: log()`", True,
    "The finally block runs after the awaited coroutine finished (or failed).")],
  """
  To do something after a coroutine finishes, the wrapper must itself be a coroutine that awaits
  the wrapped one. A plain `def` wrapper only passes the coroutine object along; its own code
  runs before the coroutine starts.
  """,
  proof=(r"""
  import asyncio

  def sync_wrap(func):
      def wrapper(*a):
          r = func(*a)
          print("sync wrapper done")
          return r
      return wrapper

  def async_wrap(func):
      async def wrapper(*a):
          try:
              return await func(*a)
          finally:
              print("async wrapper done")
      return wrapper

  async def work(x):
      print("work runs")
      return x

  async def main():
      print(await sync_wrap(work)(1))
      print(await async_wrap(work)(2))

  asyncio.run(main())
  """, """
  sync wrapper done
  work runs
  1
  work runs
  async wrapper done
  2
  """))
H("wrapping-coroutines",
  "To run code *after* the wrapped coroutine has finished, the wrapper has to wait for it, which a "
  "plain `def` cannot do.",
  "A plain `def` wrapper returning `func(*a)` hands back a coroutine that has not started yet, and "
  "`asyncio.run` refuses to start inside a running loop.")
