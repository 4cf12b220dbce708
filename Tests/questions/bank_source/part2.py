from helpers import S, M, P, Q


def H(qid, *hints):
    """Hints for the question `qid` defined just above: 1 to 3, revealed one at a time (S, M and P take none)."""
    [q] = [q for q in Q if q["id"] == qid]
    q["hints"] = list(hints)


PO = "What does this program print?"

# ---------------------------------------------------------------- event-loop
T = "event-loop"

S("asyncio-run-entry", T, "Starting an async program", 1,
  """
  In Python 3.11, what is the recommended way for a script to run its top-level coroutine `main()`?
  """,
  [("`asyncio.run(main())`", True,
    "Right: it creates a fresh event loop, runs `main()` to completion, cancels leftover tasks and closes the loop."),
   ("Just call `main()`", False,
    "That only creates a coroutine object; without an event loop nothing runs."),
   ("`asyncio.get_event_loop().run_until_complete(main())`", False,
    "This is the old pre-3.7 idiom, and you must also close the loop yourself. Called with no running loop, `get_event_loop()` depends on the version: it runs without a warning on 3.11.1+ (our 3.11), emits a `DeprecationWarning` on 3.12 and 3.13, and raises `RuntimeError` from 3.14."),
   ("Decorate `main` with `@asyncio.coroutine` and call it", False,
    "Generator-based coroutines were deprecated for years and `@asyncio.coroutine` was removed in Python 3.11.")],
  """
  `asyncio.run(coro)` is the single entry point for async programs: it creates a new event loop,
  runs the coroutine until it finishes, then cleans up (cancels remaining tasks, shuts down async
  generators and the default executor) and closes the loop.
  """,
  proof=(r"""
  import asyncio

  async def main():
      await asyncio.sleep(0)
      return "main finished"

  print(asyncio.run(main()))
  print(hasattr(asyncio, "coroutine"))
  """, """
  main finished
  False
  """))

P("call-soon-order", T, "Callbacks scheduled on the loop", 2, PO,
  r"""
  import asyncio

  async def main():
      loop = asyncio.get_running_loop()
      loop.call_soon(print, "soon 1")
      loop.call_later(0.05, print, "later")
      loop.call_soon(print, "soon 2")
      print("main before await")
      await asyncio.sleep(0.1)
      print("main after await")

  asyncio.run(main())
  """,
  """
  main before await
  soon 1
  soon 2
  later
  main after await
  """,
  """
  `call_soon` and `call_later` only *schedule* callbacks; they run when the loop gets control back,
  which happens when `main` awaits. `call_soon` callbacks run in FIFO order on the next loop
  iteration, the `call_later` one after 0.05 s, and `main` resumes after 0.1 s.
  """)
H("call-soon-order",
  "`call_soon` and `call_later` only *schedule* callbacks; nothing runs until `main` gives the loop "
  "control at an `await`.",
  "Once the loop has control, the `call_soon` callbacks run first, in the order they were "
  "scheduled; timers run when they are due.")

S("get-running-loop-outside", T, "`get_running_loop()` with no loop", 2,
  """
  What does `asyncio.get_running_loop()` do when called from ordinary synchronous code, with no
  event loop running in the thread?
  """,
  [("It starts a loop implicitly, the way `asyncio.run` would", False,
    "asyncio never starts a loop behind your back."),
   ("It raises `RuntimeError: no running event loop`", True,
    "Right: it can only be used from inside a coroutine or a callback that the loop is running."),
   ("It creates a new event loop, sets it as current and returns it", False,
    "`get_running_loop` never creates a loop; it only reports the one that is currently running."),
   ("It returns `None`, so callers can test for a loop with `if`", False,
    "It does not return `None`; it signals the situation with an exception.")],
  """
  `asyncio.get_running_loop()` is meant for code already running inside the loop (coroutines,
  callbacks). Outside of it there is no running loop and it raises `RuntimeError`.
  """,
  proof=(r"""
  import asyncio

  try:
      asyncio.get_running_loop()
  except RuntimeError as e:
      print("RuntimeError:", e)
  """, """
  RuntimeError: no running event loop
  """))

M("event-loop-facts", T, "How the event loop works", 2,
  """
  Which statements about the asyncio event loop are true? Select all that apply.
  """,
  [("It runs one callback or task step at a time", True,
    "The loop picks ready work and runs each step to its next suspension point before starting another."),
   ("Tasks that `main` creates run on the same loop as `main`", True,
    "Yes: all tasks of an `asyncio.run` call share its one loop in one thread; that is what lets them interleave."),
   ("When a coroutine awaits something that is not ready, control returns to the loop", True,
    "That is the moment the loop can run other ready tasks."),
   ("`asyncio.run()` creates a new loop and closes it when the coroutine finishes", True,
    "Each `asyncio.run` call gets its own fresh loop and closes it at the end."),
   ("It interrupts a coroutine that has been running too long so others get a turn", False,
    "asyncio is cooperative: a coroutine keeps control until it awaits; nothing pre-empts it.")],
  """
  The event loop is a scheduler for cooperative multitasking: it runs ready callbacks and task
  steps one at a time; a task gives control back only at an `await` that actually suspends.
  `asyncio.run` owns the loop's life cycle.
  """,
  proof=(r"""
  import asyncio

  loops = []

  async def task_loop():
      return asyncio.get_running_loop()

  async def main():
      loop = asyncio.get_running_loop()
      others = await asyncio.gather(task_loop(), task_loop())
      print(all(l is loop for l in others))
      loops.append(loop)

  asyncio.run(main())
  print(loops[0].is_closed())
  """, """
  True
  True
  """))

P("callback-exception-handler", T, "An exception in a loop callback", 2, PO,
  r"""
  import asyncio

  def on_error(loop, context):
      print("handler got", repr(context["exception"]))

  def callback(n):
      print("callback", n)
      if n == 1:
          raise ValueError("bad")

  async def main():
      loop = asyncio.get_running_loop()
      loop.set_exception_handler(on_error)
      for n in range(3):
          loop.call_soon(callback, n)
      try:
          await asyncio.sleep(0.01)
          print("main goes on")
      except ValueError:
          print("main caught it")

  asyncio.run(main())
  """,
  """
  callback 0
  callback 1
  handler got ValueError('bad')
  callback 2
  main goes on
  """,
  """
  A callback run by the loop (`call_soon`, `call_later`, a signal handler, a done callback) has
  no caller to propagate to. The loop catches its exception, passes it to the loop's exception
  handler (by default one that logs "Exception in callback ..." on the `asyncio` logger) and goes
  on with the next callback. `main` never sees the error. Here a custom handler set with
  `loop.set_exception_handler` prints it instead.
  """)

S("sleep-zero", T, "`await asyncio.sleep(0)`", 2,
  """
  What does `await asyncio.sleep(0)` do inside a coroutine?
  """,
  [("Nothing: sleeping 0 seconds is a no-op", False,
    "It is not a no-op: it suspends the coroutine for one loop iteration."),
   ("It cancels the current task", False,
    "Sleeping has nothing to do with cancellation."),
   ("It yields to the loop once, so other ready tasks get a turn", True,
    "Right: it is the standard way to yield control to the event loop."),
   ("It blocks the thread for the shortest time the OS allows, then returns", False,
    "`asyncio.sleep` never blocks the thread; that is `time.sleep`.")],
  """
  `asyncio.sleep(0)` yields to the event loop: the current task is put at the back of the ready
  queue, other ready tasks run one step, then the coroutine continues. It is useful in long loops
  to keep the program responsive.
  """,
  proof=(r"""
  import asyncio

  async def other():
      print("other runs")

  async def main():
      asyncio.create_task(other())
      print("before sleep(0)")
      await asyncio.sleep(0)
      print("after sleep(0)")

  asyncio.run(main())
  """, """
  before sleep(0)
  other runs
  after sleep(0)
  """))

P("loop-run-leftover", T, "What `asyncio.run` does at the end", 3, PO,
  r"""
  import asyncio

  async def background():
      try:
          print("background started")
          await asyncio.sleep(1)
          print("background finished")
      except asyncio.CancelledError:
          print("background cancelled")
          raise

  async def main():
      asyncio.create_task(background())
      await asyncio.sleep(0.05)
      print("main returns")

  asyncio.run(main())
  print("loop closed")
  """,
  """
  background started
  main returns
  background cancelled
  loop closed
  """,
  """
  When `main()` returns, `asyncio.run` does not wait for other tasks to finish: it cancels every
  task still pending, lets them handle the `CancelledError`, and then closes the loop. Await your
  tasks (or use a TaskGroup) if their work must complete.
  """)
H("loop-run-leftover",
  "What does `asyncio.run` do with tasks that are still pending when `main()` returns: does it wait "
  "for them to finish?",
  "Before closing the loop it cancels them and lets them handle the `CancelledError`; follow the "
  "`except` branch of `background`.")

# ---------------------------------------------------------------- non-blocking
T = "non-blocking"

P("time-sleep-blocks", T, "`time.sleep` inside coroutines", 1, PO,
  r"""
  import asyncio, time

  async def job(name):
      print(name, "start")
      time.sleep(0.1)
      print(name, "end")

  async def main():
      await asyncio.gather(job("A"), job("B"))

  asyncio.run(main())
  """,
  """
  A start
  A end
  B start
  B end
  """,
  """
  `time.sleep` blocks the whole thread, and therefore the event loop. Job A never reaches an
  `await`, so the loop cannot switch to B until A is completely done: the two jobs run one after
  the other even though they were gathered.
  """)

P("asyncio-sleep-interleaves", T, "`asyncio.sleep` inside coroutines", 1, PO,
  r"""
  import asyncio

  async def job(name, delay):
      print(name, "start")
      await asyncio.sleep(delay)
      print(name, "end")

  async def main():
      await asyncio.gather(job("A", 0.15), job("B", 0.05))

  asyncio.run(main())
  """,
  """
  A start
  B start
  B end
  A end
  """,
  """
  `await asyncio.sleep` suspends only the current coroutine and hands control back to the loop.
  Both jobs start immediately, wait concurrently, and finish in order of their delays: B after
  0.05 s, A after 0.15 s.
  """)

P("await-without-suspend", T, "An `await` that never suspends", 2, PO,
  r"""
  import asyncio

  async def check(i):
      return i                 # no await inside: never suspends

  async def ticker():
      print("tick")

  async def main():
      t = asyncio.create_task(ticker())
      for i in range(3):
          await check(i)
          print("checked", i)
      await asyncio.sleep(0)
      print("after sleep(0)")
      await t

  asyncio.run(main())
  """,
  """
  checked 0
  checked 1
  checked 2
  tick
  after sleep(0)
  """,
  """
  An `await` hands control to the loop only if the awaited operation actually has to wait.
  `check` contains no await of its own, so `await check(i)` runs it to the end like a plain call,
  and the ticker task, although ready, gets no turn. The first real suspension is
  `asyncio.sleep(0)`: the loop then runs the ticker, and `main` resumes after it. A long loop of
  such awaits (or of cache hits) is as blocking as a loop of plain calls.
  """)
H("await-without-suspend",
  "An `await` hands control to the loop only if the awaited operation actually has to wait, and "
  "`check` contains no `await` of its own.",
  "Where is the first real suspension of `main`, the point at which the ready `ticker` task gets "
  "its turn?")

M("blocking-calls", T, "Which calls block the loop?", 2,
  """
  Which of these, written directly inside a coroutine, **block the event loop** (no other task
  can run meanwhile)? Select all that apply.
  """,
  [("`time.sleep(1)`", True,
    "It suspends the whole thread, not just the coroutine."),
   ("`sum(range(10**8))`", True,
    "CPU-bound work never reaches an `await`, so it monopolises the loop until done."),
   ("`await asyncio.to_thread(time.sleep, 1)`", False,
    "The blocking call runs in a worker thread; the coroutine awaits its result without blocking the loop."),
   ("`open(path).read()` on a large local file", True,
    "Regular file I/O is synchronous: the thread waits for the disk, so the loop waits too (use `asyncio.to_thread` or aiofiles)."),
   ("`requests.get(url)`", True,
    "requests does synchronous socket I/O; the loop is stuck until the response arrives.")],
  """
  Anything that occupies the thread without awaiting blocks the loop: blocking sleeps, synchronous
  network or disk I/O, heavy computation. Awaiting asyncio primitives or offloading to a thread
  keeps the loop free.
  """)

S("gather-total-time", T, "How long does gather take?", 1,
  """
  ```python
  await asyncio.gather(asyncio.sleep(0.1), asyncio.sleep(0.2), asyncio.sleep(0.3))
  ```
  Roughly how long does this line take?
  """,
  [("About 0.1 s, the shortest delay", False,
    "gather waits for *all* awaitables, not just the first."),
   ("About 0.3 s, the longest delay", True,
    "Right: the three sleeps overlap, so the total is the longest one."),
   ("About 0 s: gather returns immediately and the sleeps continue in the background", False,
    "Awaiting gather waits until every awaitable has finished."),
   ("About 0.6 s, the sum of the delays", False,
    "That is what three sequential awaits would take; gather runs them concurrently.")],
  """
  `gather` wraps each coroutine in a Task and waits for all of them. Because the sleeps are
  non-blocking they overlap, so the total time is about the maximum, not the sum.
  """,
  proof=(r"""
  import asyncio

  async def main():
      loop = asyncio.get_running_loop()
      start = loop.time()
      await asyncio.gather(asyncio.sleep(0.1), asyncio.sleep(0.2), asyncio.sleep(0.3))
      elapsed = loop.time() - start
      print("about 0.3 s or more:", elapsed > 0.29)
      print("well under 0.6 s:", elapsed < 0.45)

  asyncio.run(main())
  """, """
  about 0.3 s or more: True
  well under 0.6 s: True
  """))

P("timeout-cannot-interrupt-blocking", T, "A timeout around a blocking call", 3, PO,
  r"""
  import asyncio, time

  async def main():
      try:
          async with asyncio.timeout(0.05):
              time.sleep(0.2)                  # a blocking call
              print("blocking call finished")
              await asyncio.sleep(1)
              print("after sleep")
      except TimeoutError:
          print("timed out")

  asyncio.run(main())
  """,
  """
  blocking call finished
  timed out
  """,
  """
  A timeout is a timer on the event loop that cancels the task, and cancellation can only
  happen where the task is suspended. While `time.sleep(0.2)` holds the thread the loop cannot
  run its timer, so the blocking call always completes, 0.15 s past the deadline. The expired
  timer fires at the next suspension, `await asyncio.sleep(1)`, and the `CancelledError` there
  becomes `TimeoutError` at the end of the block. Timeouts (`asyncio.timeout`, `wait_for`) cannot
  stop blocking code; run it in a thread, and remember the thread keeps running after a timeout.
  """)
H("timeout-cannot-interrupt-blocking",
  "A timeout is a timer on the event loop that cancels the task, and cancellation can only be "
  "delivered where the task is suspended at an `await`.",
  "While `time.sleep` holds the thread the loop runs nothing, timers included. Where is the first "
  "point at which the expired timeout can act?")

S("non-blocking-meaning", T, "What “non-blocking” means", 1,
  """
  In asyncio, what does it mean that `await reader.read(100)` is *non-blocking*?
  """,
  [("The read runs in a separate thread of the loop's pool, so nobody ever waits", False,
    "Socket I/O in asyncio uses the OS's own notifications (selectors such as epoll on Linux, I/O completion ports on Windows), not threads."),
   ("Until data arrives, the coroutine is suspended and the thread runs other tasks", True,
    "Right: only this coroutine waits; the event loop keeps working."),
   ("The data is returned instantly, even if it has not arrived yet", False,
    "The coroutine still has to wait for the data; what differs is *who* waits."),
   ("The read cannot fail", False,
    "Non-blocking I/O can fail like any I/O; errors are raised at the await.")],
  """
  Non-blocking means the waiting does not occupy the thread: the coroutine suspends at the
  `await`, the loop runs other tasks, and it resumes the coroutine when the OS reports that data
  is available.
  """)

# ---------------------------------------------------------------- single-threaded
T = "single-threaded"

S("how-many-threads", T, "How many threads?", 1,
  """
  A program runs `asyncio.run(main())`, and `main` gathers 100 coroutines that only use
  `await asyncio.sleep(...)`. In how many threads does the code of these coroutines run?
  """,
  [("100 threads, one per coroutine, each created by `gather`", False,
    "Coroutines are not threads; creating a Task does not create a thread."),
   ("One thread: the one that called `asyncio.run`", True,
    "Right: the event loop and all its tasks share a single thread."),
   ("Two: one for the event loop and one for the coroutines", False,
    "The loop runs the coroutines itself, in the same thread."),
   ("As many threads as CPU cores, like a thread pool's default size", False,
    "asyncio does not spread coroutines over cores; that would need processes.")],
  """
  asyncio achieves concurrency without threads: one thread runs the event loop, which interleaves
  all tasks at their `await` points.
  """,
  proof=(r"""
  import asyncio, threading

  async def where(i):
      await asyncio.sleep(0.01)
      return threading.current_thread().name

  async def main():
      names = await asyncio.gather(*(where(i) for i in range(100)))
      print(set(names))

  asyncio.run(main())
  """, """
  {'MainThread'}
  """))

P("no-await-no-race", T, "A counter without awaits", 2, PO,
  r"""
  import asyncio

  counter = 0

  async def add_many(n):
      global counter
      for _ in range(n):
          counter += 1

  async def main():
      await asyncio.gather(*(add_many(1000) for _ in range(10)))
      print(counter)

  asyncio.run(main())
  """,
  """
  10000
  """,
  """
  Only one coroutine runs at a time and it can only be interrupted at an `await`. `add_many`
  contains no `await`, so each call runs its whole loop without interruption. No update can be
  lost: the result is exactly 10000, with no lock needed.
  """)

P("await-in-middle-race", T, "A counter with an await in the middle", 2, PO,
  r"""
  import asyncio

  counter = 0

  async def increment():
      global counter
      value = counter
      await asyncio.sleep(0)
      counter = value + 1

  async def main():
      await asyncio.gather(*(increment() for _ in range(5)))
      print(counter)

  asyncio.run(main())
  """,
  """
  1
  """,
  """
  Single-threaded does not mean race-free. Each task reads `counter` (0), then suspends at the
  `await`; all five read 0 before any of them writes. Then each writes `0 + 1`. Four updates are
  lost and the result is 1. An `asyncio.Lock` around the read-await-write fixes it.
  """)
H("await-in-middle-race",
  "Single-threaded does not mean race-free: tasks switch at every suspending `await`, "
  "`asyncio.sleep(0)` included.",
  "All five tasks read `counter` before the first of them writes it back. What value does each one "
  "write?")

M("single-thread-facts", T, "Consequences of one thread", 2,
  """
  Which statements about asyncio's single-threaded execution are true? Select all that apply.
  """,
  [("The loop may switch to another task between any two lines of a coroutine", False,
    "asyncio is cooperative: a switch happens only where the running coroutine awaits (including `async with` / `async for`), never between plain lines."),
   ("A shared list modified by several tasks must be protected with `threading.Lock`", False,
    "No other thread touches it; and a blocking `threading.Lock` could freeze the loop. Use `asyncio.Lock` only if an await separates read and write."),
   ("Within one event loop, only one coroutine executes Python code at any moment", True,
    "The loop runs one task step at a time."),
   ("A long CPU-heavy computation in one coroutine delays all other coroutines", True,
    "It never gives control back to the loop until it finishes."),
   ("asyncio automatically uses all CPU cores for CPU-heavy coroutines", False,
    "Everything runs in one thread; CPU-bound work needs a process pool (threads do not help pure-Python code in CPython builds with the GIL, the default up to 3.13 at least).")],
  """
  One thread, cooperative switching: code between two awaits runs atomically with respect to
  other tasks, but heavy computation starves them, and asyncio gives no multi-core speed-up.
  """)

S("cpu-bound-speedup", T, "Speeding up CPU-bound work", 3,
  """
  An async service must compute pure-Python hashes of 8 large in-memory buffers (CPU-bound,
  several seconds each). Which approach actually uses several CPU cores while keeping the event
  loop responsive?
  """,
  [("Insert `await asyncio.sleep(0)` in the hash loop", False,
    "That lets other tasks run in between, but the work still uses one core and takes just as long."),
   ("Wrap each computation in `asyncio.create_task`", False,
    "Tasks share the single thread; CPU work in them still runs one at a time and blocks the loop."),
   ("`await loop.run_in_executor(pool, compute, buf)` with a `ProcessPoolExecutor`", True,
    "Right: separate processes have their own interpreters and run truly in parallel; the coroutine just awaits the results."),
   ("Use `await asyncio.to_thread(compute, buf)` for each buffer, one thread per hash", False,
    "This keeps the loop responsive, but under CPython's GIL (every default build up to 3.13 at least; only the optional free-threaded 3.13t build lifts it) pure-Python code in threads does not run in parallel.")],
  """
  asyncio helps with waiting, not with computing. Under the GIL of a default CPython build (3.11 to
  3.13), CPU-bound pure-Python code needs multiple processes to use multiple cores; `run_in_executor` with a `ProcessPoolExecutor` lets a coroutine
  await those results without blocking the loop.
  """)
H("cpu-bound-speedup",
  "asyncio helps with *waiting*, not with computing: all tasks share one thread.",
  "Under the GIL of a default CPython build (3.11 to 3.13), pure-Python code in several threads "
  "still runs one piece at a time. What kind of worker has an interpreter of its own?")

P("to-thread-where", T, "Which thread runs `to_thread`?", 2, PO,
  r"""
  import asyncio, threading

  def in_main_thread():
      return threading.current_thread() is threading.main_thread()

  async def main():
      print("coroutine:", in_main_thread())
      print("to_thread:", await asyncio.to_thread(in_main_thread))
      print("back in coroutine:", in_main_thread())

  asyncio.run(main())
  """,
  """
  coroutine: True
  to_thread: False
  back in coroutine: True
  """,
  """
  The coroutine runs in the thread that called `asyncio.run` (here the main thread).
  `asyncio.to_thread` runs the function in a worker thread of the loop's default executor, and
  the coroutine resumes in the loop's thread when the result is ready.
  """)

S("where-switches-happen", T, "Where can a task switch happen?", 2,
  """
  ```python
  async def transfer(a, b, amount):
      a.balance -= amount          # line 1
      log.append("debit")          # line 2
      await audit()                # line 3
      b.balance += amount          # line 4
  ```
  Other tasks also read the balances. At which point can another task observe the money as
  "gone from `a` but not yet in `b`"?
  """,
  [("Between any two lines, because the loop can switch at any time", False,
    "asyncio is cooperative; it cannot interrupt lines 1–2 to run another task."),
   ("While the task is suspended at `await audit()` (line 3)", True,
    "Right: only there can the loop run other tasks, which then see the half-done transfer."),
   ("Only if the program uses several threads", False,
    "Even with one thread, an await in the middle exposes intermediate state."),
   ("Never: code inside one coroutine is atomic", False,
    "A coroutine is only atomic between awaits; line 3 is a suspension point.")],
  """
  Task switches happen only at awaits that suspend. Code between two awaits cannot be interleaved
  with other tasks, but any await in the middle of an update exposes the intermediate state; move
  the await out or protect the section with an `asyncio.Lock`.
  """,
  proof=(r"""
  import asyncio

  class Account:
      def __init__(self, balance):
          self.balance = balance

  a, b = Account(100), Account(0)

  async def audit():
      await asyncio.sleep(0)

  async def transfer(amount):
      a.balance -= amount
      await audit()
      b.balance += amount

  async def observer():
      print("total seen by other task:", a.balance + b.balance)

  async def main():
      await asyncio.gather(transfer(30), observer())
      print("total at the end:", a.balance + b.balance)

  asyncio.run(main())
  """, """
  total seen by other task: 70
  total at the end: 100
  """))
