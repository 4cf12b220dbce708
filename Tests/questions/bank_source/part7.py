"""Issue 14: the concepts the bank was missing (Condition, Barrier, BoundedSemaphore, debug mode,
contextvars, real streams and subprocesses, signals, threads, uvloop, httpx, asyncio.Runner) and the
mistakes of QUESTION-IDEAS.md. Every proof and program here runs in the sandbox; the version notes
were checked with CPython 3.11, 3.12 and 3.13."""
from helpers import S, M, P, Q


def H(qid, *hints):
    """Hints for the question `qid` defined just above: 1 to 3, revealed one at a time (S, M and P take none)."""
    [q] = [q for q in Q if q["id"] == qid]
    q["hints"] = list(hints)


PO = "What does this program print?"

# ---------------------------------------------------------------- synchronization
T = "synchronization"

P("condition-notify-one", T, "`notify(1)` and `notify_all()`", 2, PO,
  r"""
  import asyncio

  async def waiter(cond, name):
      async with cond:
          await cond.wait()
          print(name, "woke")

  async def main():
      cond = asyncio.Condition()
      tasks = [asyncio.create_task(waiter(cond, n)) for n in "ABC"]
      await asyncio.sleep(0)          # all three are now waiting
      async with cond:
          cond.notify(1)
          print("notified one")
      await asyncio.sleep(0.01)
      async with cond:
          cond.notify_all()
          print("notified all")
      await asyncio.gather(*tasks)

  asyncio.run(main())
  """,
  """
  notified one
  A woke
  notified all
  B woke
  C woke
  """,
  """
  `cond.wait()` releases the condition's lock and parks the task; `notify(n)` marks the first `n`
  waiters (in the order they started waiting) as woken, and `notify_all()` wakes all of them.
  A woken waiter cannot run while the notifier still holds the lock: it must re-acquire it
  first, so "notified one" comes before "A woke". B and C keep sleeping until `notify_all()`,
  then take the lock one after the other, in waiting order.
  """)
H("condition-notify-one",
  "`notify(1)` wakes only the first waiter (in waiting order); `notify_all()` wakes all of them.",
  "A woken waiter must re-acquire the condition's lock before it continues, and the notifier still "
  "holds that lock while it prints.")

P("condition-wait-for", T, "`Condition.wait_for` re-checks its predicate", 3, PO,
  r"""
  import asyncio

  items = []

  async def consumer(cond, name):
      async with cond:
          await cond.wait_for(lambda: len(items) >= 2)
          print(name, "sees", len(items))
          items.pop()

  async def main():
      cond = asyncio.Condition()
      tasks = [asyncio.create_task(consumer(cond, n)) for n in "AB"]
      for i in range(3):
          await asyncio.sleep(0.01)
          async with cond:
              items.append(i)
              print("added", i)
              cond.notify_all()
      await asyncio.gather(*tasks)

  asyncio.run(main())
  """,
  """
  added 0
  added 1
  A sees 2
  added 2
  B sees 2
  """,
  """
  `wait_for(predicate)` is a loop: check the predicate, and while it is false, `wait()` for a
  notification and check again (always with the lock held). After "added 0" both consumers wake,
  see one item and go back to waiting. After "added 1" both wake again: A gets the lock first,
  sees 2 items and pops one; when B gets the lock the predicate is false again (1 item), so B
  waits once more and only passes after "added 2". A plain `wait()` would have let B run on a
  condition that was no longer true.
  """)
H("condition-wait-for",
  "`cond.wait_for(pred)` is a loop: check the predicate, and while it is false `wait()` for a "
  "notification and check again, always with the lock held.",
  "After `notify_all`, the woken consumers re-acquire the lock one at a time. What does the second "
  "one see after the first has popped an item?")

P("barrier-phases", T, "An `asyncio.Barrier`", 2,
  "What does this program print? (`asyncio.Barrier` is new in Python 3.11.)",
  r"""
  import asyncio

  async def worker(barrier, name, delay):
      await asyncio.sleep(delay)
      print(name, "arrives")
      index = await barrier.wait()
      print(name, "passes, index", index)

  async def main():
      barrier = asyncio.Barrier(3)
      await asyncio.gather(worker(barrier, "A", 0.03),
                           worker(barrier, "B", 0.01),
                           worker(barrier, "C", 0.02))
      print("waiting now:", barrier.n_waiting)

  asyncio.run(main())
  """,
  """
  B arrives
  C arrives
  A arrives
  A passes, index 2
  B passes, index 0
  C passes, index 1
  waiting now: 0
  """,
  """
  `Barrier(3)` holds every task that calls `wait()` until the third one arrives. B and C block;
  A, the third, releases the barrier and does not block at all, so it continues first, then B
  and C resume in the order they arrived. `wait()` returns each task's arrival index (0, 1, 2).
  After the release the barrier is empty and can be used again for the next round.
  """)

S("bounded-semaphore-overrelease", T, "Releasing a semaphore once too often", 2,
  """
  Through a bug, a task calls `release()` one more time than it acquired. What happens with
  `asyncio.Semaphore(2)` and with `asyncio.BoundedSemaphore(2)`?
  """,
  [("Both raise `ValueError`, because a semaphore can never go above its start value", False,
    "Only the bounded one checks. A plain `Semaphore` accepts the extra release silently."),
   ("Neither notices; the bug only shows up later as too many concurrent tasks", False,
    "That is true of `Semaphore`, but catching exactly this bug is what `BoundedSemaphore` is for."),
   ("The extra `release()` blocks until another task has acquired the semaphore", False,
    "`release()` is a plain method, not a coroutine: it never waits."),
   ("`Semaphore` silently grows to 3 slots; `BoundedSemaphore` raises `ValueError`", True,
    "Right: the bounded version refuses to exceed its initial value, so the bug fails loudly where it happens.")],
  """
  A `Semaphore` is just a counter: every `release()` adds one, so an unmatched release quietly
  raises the concurrency limit for the rest of the program. `BoundedSemaphore` remembers its
  initial value and raises `ValueError` when a release would exceed it. Prefer it (and
  `async with`, which always pairs acquire and release) when the semaphore guards a limit.
  """,
  proof=(r"""
  import asyncio

  async def main():
      plain = asyncio.Semaphore(2)
      async with plain:
          pass
      plain.release()                      # one release too many
      held = [await plain.acquire() for _ in range(3)]
      print("Semaphore(2) let", len(held), "tasks in")
      bounded = asyncio.BoundedSemaphore(2)
      async with bounded:
          pass
      try:
          bounded.release()
      except ValueError:
          print("BoundedSemaphore(2): ValueError")

  asyncio.run(main())
  """, """
  Semaphore(2) let 3 tasks in
  BoundedSemaphore(2): ValueError
  """))
H("bounded-semaphore-overrelease",
  "A plain `Semaphore` is just a counter that every `release()` increases. What does the *bounded* "
  "variant remember about its start value, and what is it for?")

P("loop-bound-primitives", T, "A Lock used under two `asyncio.run` calls", 3,
  "What does this program print? (Python 3.10 or newer.)",
  r"""
  import asyncio

  lock = asyncio.Lock()          # created at import time, outside any loop

  async def hold(name):
      async with lock:
          await asyncio.sleep(0.01)
      print(name, "done")

  async def main():
      await asyncio.gather(hold("a"), hold("b"))

  asyncio.run(main())
  print("first run ok")
  try:
      asyncio.run(main())
      print("second run ok")
  except RuntimeError:
      print("second run: RuntimeError")
  """,
  """
  a done
  b done
  first run ok
  second run: RuntimeError
  """,
  """
  Since Python 3.10, asyncio primitives (Lock, Event, Condition, Semaphore, Queue, Barrier) take
  no loop when they are created; they bind to the running loop the first time they need to park
  a waiter. In the first run, "b" has to wait for the lock, so the lock binds to that first loop.
  Each `asyncio.run` creates a new loop, and in the second run "b" waits again, on a lock bound to
  the old, closed loop: `RuntimeError` (... is bound to a different event loop). Without
  contention both runs would have worked, which is why this bug hides in tests. Create
  primitives inside the coroutine that uses them (or per `asyncio.run`). Checked on 3.10 to 3.13.
  """)
H("loop-bound-primitives",
  "Since Python 3.10 an `asyncio.Lock` takes no loop when created; it binds to the running loop the "
  "first time it has to make a task wait.",
  "Each `asyncio.run` creates a new loop. Does the first run make a task wait on the lock, and does "
  "the second run need to do it again?")

# ---------------------------------------------------------------- contextvars
P("contextvar-task-copy", "tasks", "A ContextVar and a Task", 2, PO,
  r"""
  import asyncio, contextvars

  user = contextvars.ContextVar("user", default="nobody")

  async def handler():
      print("task sees", user.get())
      user.set("bob")
      await asyncio.sleep(0.01)
      print("task now", user.get())

  async def main():
      user.set("alice")
      t = asyncio.create_task(handler())
      user.set("carol")
      await t
      print("main sees", user.get())

  asyncio.run(main())
  """,
  """
  task sees alice
  task now bob
  main sees carol
  """,
  """
  `create_task` copies the current context when the task is *created*. The task therefore sees
  "alice", not "carol", which `main` set afterwards in its own context. The task's `set("bob")`
  changes only the task's copy, so it never leaks back: `main` still sees "carol". This is what
  lets a per-request value (a request id, the current user) live in a ContextVar while many
  requests are served concurrently.
  """)

P("contextvar-await-vs-task", "nested-async", "A ContextVar set by an awaited coroutine", 3, PO,
  r"""
  import asyncio, contextvars

  request_id = contextvars.ContextVar("request_id", default=0)

  async def set_id(n):
      request_id.set(n)

  async def main():
      await set_id(1)
      print("after await:", request_id.get())
      await asyncio.create_task(set_id(2))
      print("after task:", request_id.get())
      await asyncio.gather(set_id(3))
      print("after gather:", request_id.get())

  asyncio.run(main())
  """,
  """
  after await: 1
  after task: 1
  after gather: 1
  """,
  """
  Awaiting a coroutine directly runs it inside the caller's task, in the caller's context, like
  a function call: its `set(1)` is visible afterwards. A Task runs in a *copy* of the context, so
  `set(2)` changes only the copy. `gather` wraps each coroutine in a Task, so `set(3)` is lost too.
  A value that a helper must hand back belongs in its return value, not in a ContextVar.
  """)
H("contextvar-await-vs-task",
  "Awaiting a coroutine directly runs it in the caller's task and context, like a function call.",
  "A Task runs in a *copy* of the context, made when the task is created. Does `gather` run its "
  "coroutines directly, or wrap each one in a Task?")

M("contextvar-facts", "tasks", "Context variables and tasks", 3,
  """
  A program keeps the current request id in `rid = contextvars.ContextVar("rid")`. Which
  statements are true (Python 3.11 or newer)? Select all that apply.
  """,
  [("Two requests served by two concurrent tasks can each see their own `rid` value", True,
    "Each task runs in its own copy of the context, so each task's `set()` is private to it."),
   ("A task created with `create_task` sees the later `rid.set()` calls of its creator", False,
    "The context is copied when the task is created; the creator's later changes are not seen."),
   ("`asyncio.create_task(coro, context=ctx)` runs the task in the given context instead of a copy", True,
    "The `context` argument exists since Python 3.11; the task then shares `ctx` (and its changes)."),
   ("A ContextVar is shared by every task of the loop, like a global variable", False,
    "That is what a global does. A ContextVar's value depends on the context the code runs in."),
   ("`loop.call_soon(cb)` runs `cb` in a copy of the context of the code that scheduled it", True,
    "Callbacks capture the current context too (`call_soon`, `call_later` also accept `context=`).")],
  """
  asyncio copies the current `contextvars` context into every Task when it is created, and into
  every callback when it is scheduled. Values set inside flow down to the task's own awaits but
  never back up or sideways, so ContextVars give per-task state without passing it explicitly.
  """,
  proof=(r"""
  import asyncio, contextvars

  rid = contextvars.ContextVar("rid", default=None)

  async def serve(n):
      rid.set(n)
      await asyncio.sleep(0.01)
      return rid.get()

  async def main():
      print(await asyncio.gather(serve(1), serve(2)))
      rid.set("before")
      t = asyncio.create_task(serve("t"))
      rid.set("after")
      ctx = contextvars.copy_context()
      await asyncio.create_task(serve("shared"), context=ctx)
      print(await t, rid.get(), ctx[rid])
      asyncio.get_running_loop().call_soon(lambda: print("callback sees", rid.get()))
      rid.set("later")
      await asyncio.sleep(0)

  asyncio.run(main())
  """, """
  [1, 2]
  t after shared
  callback sees after
  """))
H("contextvar-facts",
  "asyncio copies the current context into each Task when it is created, and into each callback "
  "when it is scheduled; values flow down, never back up or sideways.",
  "Python 3.11 added a `context=` argument to `create_task`: think about what running in a given "
  "context, instead of a copy, changes.")

# ---------------------------------------------------------------- debug mode
S("debug-slow-callback", "non-blocking", "Debug mode and a blocking call", 2,
  """
  ```python
  async def main():
      time.sleep(0.15)        # a blocking call left in by mistake
      await asyncio.sleep(0)

  asyncio.run(main(), debug=True)
  ```
  What does debug mode do about the blocking call?
  """,
  [("It raises `RuntimeError` at `time.sleep`, since blocking calls are forbidden in debug mode", False,
    "Debug mode never stops the program; it only reports."),
   ("It logs a warning on the `asyncio` logger: the step of the task `main` took 0.15 s", True,
    "Right: every callback or task step longer than `loop.slow_callback_duration` (0.1 s by default) is logged as a WARNING."),
   ("It emits a `RuntimeWarning` through the `warnings` module when `time.sleep` is called", False,
    "The report goes through `logging` (logger `asyncio`), after the step has finished; it does not recognise `time.sleep` itself."),
   ("Nothing: debug mode only reports coroutines that were never awaited", False,
    "That is one of its checks; slow callbacks are another.")],
  """
  With `asyncio.run(main(), debug=True)` (or `PYTHONASYNCIODEBUG=1`) the loop times each callback
  and task step. A step longer than `loop.slow_callback_duration` (default 0.1 s) produces a log
  record "Executing <Task ...> took 0.150 seconds" at WARNING level on the `asyncio` logger. It
  measures the whole step, so any blocking code (sleep, file I/O, heavy computation) shows up,
  and the message names the task. Checked on 3.11, 3.12 and 3.13.
  """,
  proof=(r"""
  import asyncio, logging, time

  records = []
  class Keep(logging.Handler):
      def emit(self, record):
          records.append(record)

  log = logging.getLogger("asyncio")
  log.addHandler(Keep())
  log.propagate = False                # keep the log line off stderr

  async def main():
      print("threshold:", asyncio.get_running_loop().slow_callback_duration)
      time.sleep(0.15)
      await asyncio.sleep(0)
      time.sleep(0.05)                 # under the threshold: not reported

  asyncio.run(main(), debug=True)
  for r in records:
      msg = r.getMessage()
      print(r.levelname, msg.startswith("Executing <Task"), "coro=<main()" in msg, "took" in msg)
  """, """
  threshold: 0.1
  WARNING True True True
  """))

S("debug-never-awaited", "coroutines", "Debug mode and a forgotten await", 3,
  """
  A large program prints `RuntimeWarning: coroutine 'save' was never awaited`, and `save()` is
  called in forty places. What does running it with `asyncio.run(main(), debug=True)` add?
  """,
  [("It turns the warning into an exception raised where `save()` was called", False,
    "Debug mode does not change the warning into an error; it makes it more precise."),
   ("It awaits the forgotten coroutine automatically, so the data is saved", False,
    "Nothing awaits a coroutine for you: the call created a coroutine object that is simply dropped."),
   ("The warning also shows where the coroutine object was created", True,
    "Right: debug mode turns on coroutine origin tracking, so the warning says \"Coroutine created at\" with the file and line."),
   ("Nothing: without debug mode the warning is not printed at all", False,
    "The warning is printed in both modes; debug mode adds where the coroutine came from.")],
  """
  A coroutine object that is garbage-collected without ever being started triggers
  `RuntimeWarning: coroutine ... was never awaited`. Normally the warning only points at the
  line where the object happened to be destroyed. Debug mode calls
  `sys.set_coroutine_origin_tracking_depth`, so the warning adds "Coroutine created at (most
  recent call last)" and the stack of the missing `await`. Checked on 3.11, 3.12 and 3.13.
  """,
  proof=(r"""
  import asyncio, gc, warnings

  async def save():
      return "saved"

  async def main():
      save()                     # line 7: the await is missing
      gc.collect()

  for debug in (False, True):
      with warnings.catch_warnings(record=True) as caught:
          warnings.simplefilter("always")
          asyncio.run(main(), debug=debug)
      text = str(caught[0].message)
      print(debug, "never awaited" in text, "Coroutine created at" in text, "line 7" in text)
  """, """
  False True False False
  True True True True
  """))
H("debug-never-awaited",
  "Debug mode does not await or raise anything for you; it adds information.",
  "Without it, the warning points only at the place where the coroutine object happened to be "
  "destroyed. What would you need to know to find the missing `await` among forty calls?")

# ---------------------------------------------------------------- streams
P("echo-server-roundtrip", "async-libraries", "A loopback echo server", 2, PO,
  r"""
  import asyncio
  async def handle(reader, writer):
      while line := await reader.readline():
          writer.write(line.upper())
          await writer.drain()
      print("server: client left")
      writer.close()
      await writer.wait_closed()

  async def main():
      server = await asyncio.start_server(handle, "127.0.0.1", 0)
      port = server.sockets[0].getsockname()[1]
      reader, writer = await asyncio.open_connection("127.0.0.1", port)
      for word in [b"ping\n", b"pong\n"]:
          writer.write(word)
          await writer.drain()
          print("client got", await reader.readline())
      writer.write_eof()
      print("client got", await reader.read())
      writer.close()
      await writer.wait_closed()
      server.close()
      await server.wait_closed()

  asyncio.run(main())
  """,
  """
  client got b'PING\\n'
  client got b'PONG\\n'
  server: client left
  client got b''
  """,
  """
  `start_server` runs `handle` in a new task for every connection (port 0 lets the OS pick a
  free port). Each line the client sends comes back upper-cased. `write_eof()` closes the
  client's sending side: the server's `readline()` then returns `b''` (end of file), so the
  server prints and closes its side, and the client's `read()`, which reads until end of file,
  returns `b''`. `close()` plus `await wait_closed()` shuts each stream down cleanly.
  """)

S("stream-drain", "async-libraries", "What `await writer.drain()` is for", 3,
  """
  A server sends large responses with `writer.write(data)` on an asyncio `StreamWriter`. Why
  should each `write` be followed by `await writer.drain()`?
  """,
  [("`write()` only starts the transfer; `drain()` waits until the peer has received every byte", False,
    "drain only waits while the transport's buffer is over its limit, and returns once it has shrunk; data may still be buffered or in flight."),
   ("Without `drain()` the data stays in the buffer and is never sent", False,
    "The transport sends buffered data on its own whenever the socket is writable."),
   ("`write()` is a coroutine, and `drain()` is what actually runs it", False,
    "`write()` is a plain method that returns `None` at once; nothing needs to run it."),
   ("`drain()` pauses the writer while too much data waits in the buffer", True,
    "Right: `write()` itself never waits, so this is the flow control. Without it a slow client makes the server's buffer grow without limit.")],
  """
  `StreamWriter.write()` appends to the transport's buffer and returns immediately. If the peer
  reads slower than you write, that buffer grows without bound. `await writer.drain()` returns
  at once while the buffer is below its high-water mark; above it, the transport pauses the
  writer and `drain()` suspends until the buffer has shrunk below the low-water mark. So a slow
  reader slows the writer down instead of filling its memory.
  """,
  proof=(r"""
  import asyncio
  async def main():
      accepted = asyncio.Queue()
      async def handle(reader, writer):
          await accepted.put((reader, writer))        # the server reads nothing yet
      server = await asyncio.start_server(handle, "127.0.0.1", 0)
      port = server.sockets[0].getsockname()[1]
      reader, writer = await asyncio.open_connection("127.0.0.1", port)
      peer, peer_writer = await accepted.get()
      print("write returns", writer.write(b"x" * 10_000_000))
      print("buffered:", writer.transport.get_write_buffer_size() > 0)
      try:
          await asyncio.wait_for(writer.drain(), 0.2)
      except TimeoutError:
          print("drain waits while the peer reads nothing")
      got = await peer.readexactly(10_000_000)
      await writer.drain()
      print("drained after the peer read", len(got), "bytes")
      writer.close()
      peer_writer.close()
      await writer.wait_closed()
      server.close()
      await server.wait_closed()
  asyncio.run(main())
  """, """
  write returns None
  buffered: True
  drain waits while the peer reads nothing
  drained after the peer read 10000000 bytes
  """))
H("stream-drain",
  "`StreamWriter.write()` is a plain method: it appends to the transport's buffer and returns at "
  "once, and the transport sends that buffer by itself.",
  "So what stops that buffer from growing without limit when the client reads slowly? Think of flow "
  "control, not of delivery to the peer.")

# ---------------------------------------------------------------- subprocesses
S("subprocess-pipe-deadlock", "async-libraries", "`wait()` on a child with a lot of output", 3,
  """
  ```python
  proc = await asyncio.create_subprocess_exec(
      sys.executable, "make_report.py", stdout=asyncio.subprocess.PIPE)
  await proc.wait()
  report = await proc.stdout.read()
  ```
  The child writes 1 MB to its standard output. What happens?
  """,
  [("`wait()` never returns: the child blocks on a full pipe", True,
    "Right: the child's write blocks once the pipe is full, and the parent waits for an exit that cannot happen. Use `communicate()`."),
   ("It works: asyncio reads the pipe in the background while `wait()` waits", False,
    "It reads only a little: the process's StreamReader stops reading the pipe once it holds more than twice its limit (2 x 64 KiB by default), so the child still blocks. The docs of `Process.wait` warn about this deadlock."),
   ("`wait()` raises `BrokenPipeError` once the pipe is full", False,
    "Nothing fails: both processes simply wait for each other, forever."),
   ("The child's output is cut at 64 KiB, then it exits normally", False,
    "A pipe never drops data: the writer blocks until there is room.")],
  """
  A pipe has a small kernel buffer (64 KiB by default on Linux), and asyncio's StreamReader stops
  reading from it once it holds about 128 KiB that nobody has consumed. A child that writes more
  blocks until someone reads, and `proc.wait()` only waits for the exit, so parent and child wait
  for each other: a deadlock. `await proc.communicate()` reads stdout and stderr while waiting and
  returns both once the child has exited. The proof bounds the wait with a timeout so that it
  cannot hang.
  """,
  proof=(r"""
  import asyncio, sys

  CHILD = "import sys; sys.stdout.write('x' * 1_000_000)"

  async def main():
      proc = await asyncio.create_subprocess_exec(
          sys.executable, "-c", CHILD, stdout=asyncio.subprocess.PIPE)
      try:
          await asyncio.wait_for(proc.wait(), timeout=0.5)
      except TimeoutError:
          print("wait(): still waiting after 0.5 s, exit code", proc.returncode)
      out, _ = await proc.communicate()
      print("communicate():", len(out), "bytes, exit code", proc.returncode)

  asyncio.run(main())
  """, """
  wait(): still waiting after 0.5 s, exit code None
  communicate(): 1000000 bytes, exit code 0
  """))
H("subprocess-pipe-deadlock",
  "A pipe has a small buffer; a child that writes to a full pipe blocks until someone reads from "
  "it.",
  "`proc.wait()` only waits for the exit, and asyncio stops reading the pipe once about 128 KiB lie "
  "unread. Who is waiting for whom?")

P("subprocess-wait-keeps-loop", "non-blocking", "Waiting for a child process", 2, PO,
  r"""
  import asyncio, sys

  async def ticker():
      for i in range(3):
          print("tick", i)
          await asyncio.sleep(0.05)

  async def main():
      t = asyncio.create_task(ticker())
      proc = await asyncio.create_subprocess_exec(
          sys.executable, "-c", "import time, sys; time.sleep(0.3); sys.exit(3)")
      code = await proc.wait()
      print("child exited with", code)
      await t

  asyncio.run(main())
  """,
  """
  tick 0
  tick 1
  tick 2
  child exited with 3
  """,
  """
  `create_subprocess_exec` starts the child and `await proc.wait()` suspends only `main`: the loop
  learns about the exit from the OS, so the ticker keeps running while the child sleeps (unlike
  `subprocess.run`, which would block the loop for the whole 0.3 s). `wait()` returns the exit
  status, 3 here, and does not raise for a non-zero one.
  """)

S("subprocess-nonzero-exit", "error-handling", "A child process that fails", 1,
  """
  ```python
  proc = await asyncio.create_subprocess_exec(sys.executable, "check.py")
  await proc.wait()
  ```
  `check.py` ends with `sys.exit(3)`. What happens in the parent?
  """,
  [("`proc.wait()` raises `subprocess.CalledProcessError`", False,
    "That is `subprocess.run(..., check=True)`; asyncio's subprocess API has no `check` and never raises for an exit status."),
   ("`proc.wait()` raises `SystemExit(3)` in the parent", False,
    "`sys.exit` in the child ends the child's own interpreter; exceptions do not cross process boundaries."),
   ("No exception is raised: `wait()` returns 3 (also in `proc.returncode`)", True,
    "Right: checking the status is up to you, e.g. `if await proc.wait() != 0: ...`."),
   ("`create_subprocess_exec` itself raises, since the child fails", False,
    "It returns as soon as the child has started; it cannot know how the child will end.")],
  """
  An exit status is data, not an exception: `await proc.wait()` (and `communicate()`) return
  normally and `proc.returncode` holds the status (negative for a signal on Unix). Test it
  yourself if a failing child should be an error. Only starting the program can raise, for
  example `FileNotFoundError` when it does not exist.
  """,
  proof=(r"""
  import asyncio, sys

  async def main():
      proc = await asyncio.create_subprocess_exec(sys.executable, "-c", "import sys; sys.exit(3)")
      print("wait() returned", await proc.wait(), "returncode", proc.returncode)
      try:
          await asyncio.create_subprocess_exec("/no/such/program")
      except FileNotFoundError:
          print("starting a missing program: FileNotFoundError")

  asyncio.run(main())
  """, """
  wait() returned 3 returncode 3
  starting a missing program: FileNotFoundError
  """))

# ---------------------------------------------------------------- signals and shutdown
P("sigterm-graceful-shutdown", "cancellation-timeouts", "SIGTERM and a graceful shutdown", 3,
  "What does this program print? (Unix; the program sends SIGTERM to itself.)",
  r"""
  import asyncio, os, signal

  async def worker(name):
      try:
          while True:
              await asyncio.sleep(0.01)      # a unit of work
      except asyncio.CancelledError:
          print(name, "stopped")
          raise

  async def main():
      loop = asyncio.get_running_loop()
      stop = asyncio.Event()
      loop.add_signal_handler(signal.SIGTERM, stop.set)
      workers = [asyncio.create_task(worker(n)) for n in ("w1", "w2")]
      loop.call_later(0.05, os.kill, os.getpid(), signal.SIGTERM)
      await stop.wait()
      print("SIGTERM received")
      for w in workers:
          w.cancel()
      results = await asyncio.gather(*workers, return_exceptions=True)
      print([type(r).__name__ for r in results])
      print("flushing logs, then exit")

  asyncio.run(main())
  """,
  """
  SIGTERM received
  w1 stopped
  w2 stopped
  ['CancelledError', 'CancelledError']
  flushing logs, then exit
  """,
  """
  Without a handler, SIGTERM kills the process at once. `loop.add_signal_handler` replaces that:
  the signal becomes an ordinary callback run by the loop, here `stop.set()`, which wakes `main`.
  `main` then cancels only the workers, waits until each has run its clean-up
  (`return_exceptions=True` collects their `CancelledError`s instead of raising the first), and
  finishes its own shutdown work before returning normally. Cancelling `main` itself or every
  task would have skipped that last step.
  """)
H("sigterm-graceful-shutdown",
  "`loop.add_signal_handler` replaces the default action (terminate): the signal only makes the "
  "loop run `stop.set()` as a callback.",
  "After `stop.wait()` returns, `main` cancels only the workers and waits for their clean-up; "
  "`return_exceptions=True` collects their exceptions instead of raising, and `main` then carries "
  "on normally.")

M("signal-handler-facts", "cancellation-timeouts", "`loop.add_signal_handler`", 3,
  """
  Which statements about `loop.add_signal_handler(signal.SIGTERM, callback)` (Unix) are true?
  Select all that apply.
  """,
  [("`callback` may be an `async def` function; the loop awaits it when the signal arrives", False,
    "It must be a plain callable: passing a coroutine function raises `TypeError`. Start a task from the callback if you need to await."),
   ("`callback` runs in the loop's thread, so it may call `event.set()`", True,
    "The signal only wakes the loop, which then runs the callback between two task steps, like `call_soon`; `task.cancel()` is safe there too."),
   ("It can be installed from any thread, on any event loop", False,
    "Signal handlers belong to the main thread: on a loop in another thread `add_signal_handler` raises `RuntimeError`."),
   ("Once it is installed, SIGTERM no longer ends the process", True,
    "The default action (terminate) is replaced: the program keeps running and decides itself when to exit."),
   ("`callback` receives the signal number and the interrupted frame, like a `signal.signal` handler", False,
    "It receives only the extra arguments given to `add_signal_handler`, like `call_soon`; `(signum, frame)` is `signal.signal`'s convention.")],
  """
  `add_signal_handler` (Unix event loops only) turns a signal into a callback that the loop runs
  in its own thread, so the callback can safely touch tasks, events and futures. It must be a
  regular function (a coroutine function is refused), it is called with the arguments you passed,
  and it must be installed from the main thread. This is the usual way to turn SIGTERM into a
  graceful shutdown.
  """,
  proof=(r"""
  import asyncio, os, signal, threading
  async def on_term_coro(): pass
  async def main():
      loop = asyncio.get_running_loop()
      got = asyncio.Event()
      def on_term(*args):
          print("b: main thread:", threading.current_thread() is threading.main_thread(), "args:", args)
          got.set()
      try:
          loop.add_signal_handler(signal.SIGTERM, on_term_coro)
      except TypeError:
          print("a: TypeError")
      loop.add_signal_handler(signal.SIGTERM, on_term)
      os.kill(os.getpid(), signal.SIGTERM)
      await got.wait()
      print("d: still running after SIGTERM")
      def other_thread():
          other = asyncio.new_event_loop()
          try:
              other.add_signal_handler(signal.SIGUSR1, print)
          except RuntimeError:
              print("c: RuntimeError")
          other.close()
      await asyncio.to_thread(other_thread)
  asyncio.run(main())
  """, """
  a: TypeError
  b: main thread: True args: ()
  d: still running after SIGTERM
  c: RuntimeError
  """))
H("signal-handler-facts",
  "`add_signal_handler` turns a signal into a callback that the loop runs in its own thread, "
  "between task steps, like `call_soon`.",
  "Check each statement against that: what kind of callable it must be, which arguments it "
  "receives, from which thread it may be installed, and what becomes of the signal's default "
  "action.")

# ---------------------------------------------------------------- threads and the loop
P("run-coroutine-threadsafe", "single-threaded", "From a worker thread to the loop", 2, PO,
  r"""
  import asyncio, threading

  def in_main_thread():
      return threading.current_thread() is threading.main_thread()

  async def lookup(key):
      await asyncio.sleep(0.01)
      print("lookup in main thread:", in_main_thread())
      return key.upper()

  def blocking_worker(loop):
      print("worker in main thread:", in_main_thread())
      future = asyncio.run_coroutine_threadsafe(lookup("abc"), loop)
      print("worker got", future.result(timeout=1))
      return "worker done"

  async def main():
      loop = asyncio.get_running_loop()
      print(await asyncio.to_thread(blocking_worker, loop))

  asyncio.run(main())
  """,
  """
  worker in main thread: False
  lookup in main thread: True
  worker got ABC
  worker done
  """,
  """
  `asyncio.to_thread` runs the blocking worker in a pool thread while `main` waits without
  blocking the loop. From that thread, `run_coroutine_threadsafe` hands the coroutine to the loop,
  which runs it in the loop's own (main) thread, and returns a `concurrent.futures.Future`; its
  blocking `.result()` is fine in the worker thread. The loop stays free the whole time, which is
  why `lookup` can run at all.
  """)

M("thread-to-loop", "single-threaded", "Running a coroutine on the loop from another thread", 3,
  """
  A blocking function runs in a worker thread (started with `asyncio.to_thread`). It must run the
  coroutine `notify(msg)` on the program's event loop `loop`, which runs in the main thread.
  Which of these calls, made in the worker thread, do that safely? Select all that apply.
  """,
  [("`asyncio.run(notify(msg))`, then carry on with its result", False,
    "That creates a second event loop in the worker thread: `notify` runs there, not on `loop`, and any Lock, Queue or connection bound to `loop` breaks in it."),
   ("`asyncio.run_coroutine_threadsafe(notify(msg), loop)`", True,
    "Made for this: it schedules the coroutine on `loop` and returns a `concurrent.futures.Future` whose `.result()` the thread may wait on."),
   ("`loop.create_task(notify(msg))`, keeping the task in a set", False,
    "Loop methods are not thread-safe: the loop is not woken up (the task may start late) and its state is not protected against other threads; debug mode raises `RuntimeError` for this call."),
   ("`asyncio.get_running_loop().create_task(notify(msg))`", False,
    "No loop is running in the worker thread, so `get_running_loop()` raises `RuntimeError`."),
   ("`loop.call_soon_threadsafe(loop.create_task, notify(msg))`", True,
    "The one scheduling method meant for other threads: it wakes the loop, which then creates the task in its own thread (the worker gets no result back).")],
  """
  An event loop and its objects belong to one thread. Other threads must go through the two
  thread-safe entry points: `asyncio.run_coroutine_threadsafe(coro, loop)` (returns a
  concurrent Future with the result) and `loop.call_soon_threadsafe(callback, ...)`. Starting
  another loop with `asyncio.run` runs the coroutine somewhere else entirely. (Option c is not
  in the proof: without debug mode its failure is a race; with `debug=True` the loop raises
  `RuntimeError: Non-thread-safe operation ...`, checked on 3.11 to 3.13.)
  """,
  proof=(r"""
  import asyncio, threading
  async def notify(tag):
      print(tag, "main thread:", threading.current_thread() is threading.main_thread(),
            "same loop:", asyncio.get_running_loop() is LOOP)
      return tag + " done"
  def worker(loop):
      asyncio.run(notify("a"))
      print(asyncio.run_coroutine_threadsafe(notify("b"), loop).result(timeout=1))
      try:
          asyncio.get_running_loop()
      except RuntimeError:
          print("d: RuntimeError")
      loop.call_soon_threadsafe(loop.create_task, notify("e"))
  async def main():
      global LOOP
      LOOP = asyncio.get_running_loop()
      await asyncio.to_thread(worker, LOOP)
      await asyncio.sleep(0.01)
  asyncio.run(main())
  """, """
  a main thread: False same loop: False
  b main thread: True same loop: True
  b done
  d: RuntimeError
  e main thread: True same loop: True
  """))
H("thread-to-loop",
  "The loop and its objects belong to the main thread; from a worker thread there are exactly two "
  "thread-safe ways in.",
  "For each call, ask on which loop the coroutine ends up running, and whether the method is "
  "documented as safe to call from another thread. A worker thread has no running loop of its own.")

P("thread-result-exception", "error-handling", "An exception crossing from the loop to a thread", 2, PO,
  r"""
  import asyncio

  async def load(key):
      await asyncio.sleep(0.01)
      raise ValueError(f"no such key: {key}")

  def worker(loop):
      future = asyncio.run_coroutine_threadsafe(load("x"), loop)
      try:
          future.result(timeout=1)
      except ValueError as e:
          print("worker caught:", e)
      return "worker carries on"

  async def main():
      loop = asyncio.get_running_loop()
      print(await asyncio.to_thread(worker, loop))
      print("loop still fine")

  asyncio.run(main())
  """,
  """
  worker caught: no such key: x
  worker carries on
  loop still fine
  """,
  """
  The coroutine fails on the loop, and the exception is stored in the `concurrent.futures.Future`
  that `run_coroutine_threadsafe` returned. `future.result()` re-raises it in the worker thread,
  where an ordinary `try`/`except` handles it. Nothing is lost and nothing is logged: the error
  travels to whoever waits for the result, just as with awaiting a task.
  """)

S("concurrent-future-not-awaitable", "awaitables", "A `concurrent.futures.Future` in a coroutine", 2,
  """
  A coroutine holds `f`, a `concurrent.futures.Future` (from `executor.submit(...)`, for example).
  How can it wait for the result without blocking the event loop?
  """,
  [("`await f`, since every Future is awaitable", False,
    "Only asyncio Futures (and Tasks) implement `__await__`; awaiting a `concurrent.futures.Future` raises `TypeError`."),
   ("`await asyncio.wrap_future(f)`", True,
    "Right: it returns an asyncio Future that the loop completes when `f` completes."),
   ("`f.result()`, since the work already runs in another thread", False,
    "`result()` blocks the calling thread until the value exists, and here that thread runs the loop: every task stops meanwhile."),
   ("`await asyncio.ensure_future(f)`", False,
    "`ensure_future` accepts coroutines, asyncio Futures and awaitables; a `concurrent.futures.Future` is none of these, so it raises `TypeError`.")],
  """
  asyncio Futures and `concurrent.futures.Future` are different classes: the first is awaitable
  and belongs to a loop, the second is thread-safe and is waited on with a blocking `result()`.
  `asyncio.wrap_future` bridges them (it is what `loop.run_in_executor` uses internally).
  """,
  proof=(r"""
  import asyncio
  from concurrent.futures import ThreadPoolExecutor

  async def main():
      with ThreadPoolExecutor(1) as pool:
          f = pool.submit(sum, [1, 2, 3])
          for name, attempt in (("await f", lambda: f), ("ensure_future", lambda: asyncio.ensure_future(f))):
              try:
                  await attempt()
              except TypeError:
                  print(name, "-> TypeError")
          print("wrap_future ->", await asyncio.wrap_future(f))

  asyncio.run(main())
  """, """
  await f -> TypeError
  ensure_future -> TypeError
  wrap_future -> 6
  """))

# ---------------------------------------------------------------- loops: uvloop and asyncio.Runner
S("uvloop-loop-policy", "event-loop", "How uvloop gets in", 2,
  """
  A program calls `uvloop.install()` once, then `asyncio.run(main())`. Nothing else mentions
  uvloop. Why does `main` then run on a uvloop loop?
  """,
  [("`install()` sets an event loop policy; `asyncio.run` gets its loop from it", True,
    "Right: the policy's `new_event_loop()` decides the loop class. (uvloop 0.18+ prefers `uvloop.run(main())`, which passes a loop factory instead.)"),
   ("`install()` patches asyncio's functions (`sleep`, `gather`, ...) to call libuv directly", False,
    "asyncio's functions stay the same; they call methods of whichever loop is running, and only the loop is replaced."),
   ("`asyncio.run` looks for uvloop and uses it whenever it is importable", False,
    "asyncio knows nothing of uvloop; without `install()` (or a loop factory) it uses its own default loop."),
   ("`install()` starts a uvloop loop in a background thread that runs every coroutine", False,
    "No thread is added: the loop runs in the thread that called `asyncio.run`, like asyncio's own.")],
  """
  uvloop is a drop-in event loop: the rest of asyncio (tasks, `sleep`, streams, primitives)
  talks to whatever loop is running. Which loop class that is comes from the event loop policy
  (`uvloop.install()` sets one) or from an explicit factory: `asyncio.Runner(loop_factory=...)`
  (Python 3.11+), `asyncio.run(main(), loop_factory=...)` (3.12+) or `uvloop.run(main())`. The
  proof uses its own loop class in place of uvloop, which the sandbox does not have.
  """,
  proof=(r"""
  import asyncio

  class MyLoop(asyncio.SelectorEventLoop):      # stands in for uvloop.Loop
      pass

  class MyPolicy(asyncio.DefaultEventLoopPolicy):
      def new_event_loop(self):
          return MyLoop()

  async def main():
      return type(asyncio.get_running_loop()).__name__

  print("default is MyLoop:", asyncio.run(main()) == "MyLoop")
  asyncio.set_event_loop_policy(MyPolicy())     # what uvloop.install() does
  print("with the policy:", asyncio.run(main()))
  asyncio.set_event_loop_policy(None)
  with asyncio.Runner(loop_factory=MyLoop) as runner:
      print("with a loop factory:", runner.run(main()))
  """, """
  default is MyLoop: False
  with the policy: MyLoop
  with a loop factory: MyLoop
  """))

M("uvloop-what-changes", "async-libraries", "What uvloop changes", 2,
  """
  A service replaces asyncio's default event loop by uvloop. Which of these change? Select all
  that apply.
  """,
  [("A `time.sleep()` or `requests.get()` inside a coroutine stops blocking the other tasks", False,
    "uvloop runs callbacks exactly like asyncio's loop: one at a time in one thread. Blocking code still blocks it."),
   ("Coroutines run in parallel on several CPU cores", False,
    "Still one thread: CPU-bound work needs processes, whatever the loop."),
   ("`await asyncio.sleep()` and `asyncio.gather()` must be replaced by uvloop's versions", False,
    "uvloop is a drop-in loop: asyncio's functions keep working because they talk to the running loop."),
   ("The loop's machinery: I/O polling, timers, callbacks (Cython on libuv)", True,
    "That is all uvloop replaces; the speed-up comes from there, mostly for network I/O."),
   ("`asyncio.Lock` and `asyncio.Queue` must be replaced by uvloop's own primitives", False,
    "There are none: the asyncio primitives work on any conforming event loop.")],
  """
  uvloop implements the event loop interface on top of libuv. Your coroutines, tasks and
  primitives stay exactly the same, and so do the rules: cooperative scheduling in one thread,
  blocking calls freeze everything. The proof runs the same code on another loop class (the
  sandbox has no uvloop): the code is unchanged and `time.sleep` still holds back the ticker.
  """,
  proof=(r"""
  import asyncio, threading, time

  class OtherLoop(asyncio.SelectorEventLoop):     # stands in for uvloop.Loop
      pass

  order = []
  async def ticker():
      for i in range(2):
          order.append(f"tick{i}")
          await asyncio.sleep(0.01)

  async def main():
      t = asyncio.create_task(ticker())
      await asyncio.sleep(0)
      time.sleep(0.05)                           # still blocks every task
      order.append("blocking done")
      await t
      q = asyncio.Queue()
      await q.put(1)
      async with asyncio.Lock():
          print(type(asyncio.get_running_loop()).__name__, order, await q.get(), threading.active_count())

  with asyncio.Runner(loop_factory=OtherLoop) as runner:
      runner.run(main())
  """, """
  OtherLoop ['tick0', 'blocking done', 'tick1'] 1 1
  """))

P("runner-same-loop", "event-loop", "`asyncio.Runner` and `asyncio.run`", 2,
  "What does this program print? (`asyncio.Runner` is new in Python 3.11.)",
  r"""
  import asyncio, contextvars

  hits = contextvars.ContextVar("hits", default=0)

  async def visit():
      hits.set(hits.get() + 1)
      return asyncio.get_running_loop(), hits.get()

  with asyncio.Runner() as runner:
      loop1, a = runner.run(visit())
      loop2, b = runner.run(visit())
  print(loop1 is loop2, a, b, loop1.is_closed())

  loop3, c = asyncio.run(visit())
  loop4, d = asyncio.run(visit())
  print(loop3 is loop4, c, d)
  """,
  """
  True 1 2 True
  False 1 1
  """,
  """
  An `asyncio.Runner` creates one loop (and one context) lazily and reuses them for every
  `run()` call, closing the loop when the `with` block ends; so both runs share the loop and the
  ContextVar counts 1, 2. Each `asyncio.run` call creates a fresh loop and runs in a fresh copy of
  the context, so its changes do not survive. A Runner suits a synchronous program (a test
  suite, a CLI) that calls several coroutines on one loop.
  """)

M("runner-facts", "event-loop", "Using `asyncio.Runner`", 2,
  """
  Which statements about `asyncio.Runner` (Python 3.11 or newer) are true? Select all that apply.
  """,
  [("A task left waiting for a Lock at the end of one `runner.run()` carries on in the next one", True,
    "Both runs use the same loop: pending tasks stay on it, and the lock stays bound to a loop that is still alive."),
   ("`runner.run()` may be called inside a coroutine to run another coroutine to completion", False,
    "Like `asyncio.run`, it refuses to start while a loop is running in the thread (`RuntimeError`); inside a coroutine, `await` instead."),
   ("Leaving the `with` block closes the loop", True,
    "`Runner.close()` cancels what is left, shuts down async generators and the default executor, then closes the loop."),
   ("Each `run()` gets a fresh context, so ContextVar values set in one run are gone in the next", False,
    "The Runner keeps one context for all its runs (unless you pass `context=`), so the values persist."),
   ("`asyncio.Runner(loop_factory=...)` chooses which loop class is used", True,
    "That is how uvloop's loop is selected on 3.11: `Runner(loop_factory=uvloop.new_event_loop)`.")],
  """
  `asyncio.run(coro)` is a one-shot `Runner`: new loop, run, clean up, close. A `Runner` used as a
  context manager keeps its loop and context across several `run()` calls, closes them at the
  end, and accepts `debug=` and `loop_factory=`.
  """,
  proof=(r"""
  import asyncio, contextvars
  v = contextvars.ContextVar("v", default=0)
  class MyLoop(asyncio.SelectorEventLoop): pass
  async def first():
      global lock, waiter
      lock = asyncio.Lock()
      await lock.acquire()
      waiter = asyncio.create_task(lock.acquire())   # waits: binds the lock to this loop
      await asyncio.sleep(0)
      v.set(1)
  async def second():
      lock.release()
      print("a: waiter from run 1 got the lock:", await waiter, "d: v =", v.get())
      try:
          runner.run(coro := asyncio.sleep(0))
      except RuntimeError:
          print("b: RuntimeError")
          coro.close()
  with asyncio.Runner() as runner:
      runner.run(first())
      runner.run(second())
      loop = runner.get_loop()
  print("c: closed", loop.is_closed())
  with asyncio.Runner(loop_factory=MyLoop) as other:
      print("e:", type(other.get_loop()).__name__)
  """, """
  a: waiter from run 1 got the lock: True d: v = 1
  b: RuntimeError
  c: closed True
  e: MyLoop
  """))

# ---------------------------------------------------------------- httpx and async objects
S("httpx-async-with", "async-oop", "`with` around an `httpx.AsyncClient`", 2,
  """
  ```python
  async def main():
      with httpx.AsyncClient() as client:
          r = await client.get("https://example.org/")
  ```
  What happens at the `with` line?
  """,
  [("Nothing special: `with` and `async with` are interchangeable for a client object", False,
    "They call different methods: `with` needs `__enter__`/`__exit__`, `async with` needs `__aenter__`/`__aexit__`."),
   ("`TypeError`: `AsyncClient` implements only the async context manager protocol", True,
    "Right: its set-up and clean-up (opening and closing pooled connections) are coroutines, so only `async with` can run them."),
   ("It works, but the client's connections are only closed when the event loop ends", False,
    "The block never starts: `with` fails before `client` exists."),
   ("`SyntaxError`: a plain `with` is not allowed inside an `async def`", False,
    "A plain `with` is allowed in coroutines (for a `threading.Lock` or a file, say); the error comes at run time.")],
  """
  `httpx.AsyncClient` defines `__aenter__` and `__aexit__` but no `__enter__`, because opening
  and closing its connections must be awaited. A plain `with` therefore fails
  with `TypeError` (Python 3.11 to 3.13 say "does not support the context manager protocol").
  Use `async with httpx.AsyncClient() as client:`, or call `await client.aclose()` yourself.
  The sandbox has no httpx: the proof uses a class with the same protocol.
  """,
  proof=(r"""
  import asyncio

  class AsyncClient:                 # the shape of httpx.AsyncClient
      async def __aenter__(self):
          print("connections opened")
          return self
      async def __aexit__(self, *exc):
          print("connections closed")

  async def main():
      try:
          with AsyncClient() as client:
              print("inside with")
      except TypeError:
          print("with: TypeError")
      async with AsyncClient() as client:
          print("inside async with")

  asyncio.run(main())
  """, """
  with: TypeError
  connections opened
  inside async with
  connections closed
  """))

S("httpx-forgot-await", "coroutines", "A request without `await`", 1,
  """
  ```python
  async with httpx.AsyncClient() as client:
      r = client.get("https://example.org/")     # no await
      print(r.status_code)
  ```
  What happens?
  """,
  [("It prints the status code; `await` is optional when the result is used right away", False,
    "Nothing is ever optional about `await`: without it the coroutine does not run."),
   ("The request blocks the event loop until the response arrives, then the status is printed", False,
    "No request is made at all, so nothing blocks."),
   ("The request runs in the background; `r.status_code` is `None` until it finishes", False,
    "Calling a coroutine function does not schedule anything; only `await` or a Task runs it."),
   ("`AttributeError`: `r` is a coroutine object, and no request is sent", True,
    "Right: `AsyncClient.get` is an `async def`; a \"coroutine ... was never awaited\" warning follows.")],
  """
  Every method of an async client that does I/O is a coroutine function. Calling it only builds a
  coroutine object; the request is sent when that object is awaited. Using the object as if it
  were the response fails with `AttributeError`, and Python later warns that the coroutine was
  never awaited. The proof uses a stand-in for `httpx.AsyncClient` (not in the sandbox).
  """,
  proof=(r"""
  import asyncio

  class AsyncClient:                       # the shape of httpx.AsyncClient
      async def get(self, url):
          print("request sent to", url)
          return type("Response", (), {"status_code": 200})()

  async def main():
      client = AsyncClient()
      r = client.get("https://example.org/")
      print(type(r).__name__)
      try:
          print(r.status_code)
      except AttributeError:
          print("AttributeError")
      r.close()                            # silence the never-awaited warning
      print((await client.get("https://example.org/")).status_code)

  asyncio.run(main())
  """, """
  coroutine
  AttributeError
  request sent to https://example.org/
  200
  """))

S("abc-async-abstract", "async-oop", "An abstract `async def` overridden by a plain `def`", 2,
  """
  ```python
  class Source(abc.ABC):
      @abc.abstractmethod
      async def fetch(self): ...

  class FileSource(Source):
      def fetch(self):               # plain def
          return "data"
  ```
  In a coroutine, `s = FileSource()` and then `await s.fetch()` run. What happens?
  """,
  [("`FileSource()` raises `TypeError`: the abstract coroutine method is not implemented", False,
    "`abc` only checks that the name is overridden; it does not compare `async def` with `def`."),
   ("Both lines work: `await` on a plain method's return value is allowed", False,
    "`await` needs an awaitable; a `str` is not one."),
   ("`FileSource()` works; `await s.fetch()` raises `TypeError`", True,
    "Right: a `str` is not awaitable. The mistake surfaces only where the method is awaited, far from the class that caused it."),
   ("Defining `FileSource` raises `TypeError` when the class statement runs", False,
    "Class creation checks nothing about the methods; abstractness is only checked on instantiation, and by name.")],
  """
  An ABC records abstract methods by name, and any attribute with that name satisfies it, a plain
  function included. The override breaks the interface's contract (callers `await` it), and the
  error appears at the first `await`. With return annotations, mypy reports the incompatible
  override (checked with mypy 2.4: `Return type "str" of "fetch" incompatible with return type
  "Coroutine[Any, Any, str]"`); unannotated methods are not checked. At run time,
  `inspect.iscoroutinefunction` in a test or in `__init_subclass__` can catch it.
  """,
  proof=(r"""
  import abc, asyncio

  class Source(abc.ABC):
      @abc.abstractmethod
      async def fetch(self): ...

  class FileSource(Source):
      def fetch(self):
          return "data"

  async def main():
      s = FileSource()
      print("created", type(s).__name__)
      try:
          await s.fetch()
      except TypeError as e:
          print("TypeError:", e)

  asyncio.run(main())
  """, """
  created FileSource
  TypeError: object str can't be used in 'await' expression
  """))

P("cached-property-async", "async-oop", "`functools.cached_property` on an `async def`", 3, PO,
  r"""
  import asyncio
  from functools import cached_property

  class Profile:
      @cached_property
      async def settings(self):
          print("loading settings")
          return {"theme": "dark"}

  async def main():
      p = Profile()
      print((await p.settings)["theme"])
      try:
          print((await p.settings)["theme"])
      except RuntimeError:
          print("RuntimeError")

  asyncio.run(main())
  """,
  """
  loading settings
  dark
  RuntimeError
  """,
  """
  `cached_property` calls the getter once and caches what it returns. For an `async def` getter
  that is a coroutine object, not the settings. The first `await` runs it; the second access
  returns the same, already finished coroutine, and awaiting it again raises `RuntimeError`
  (cannot reuse already awaited coroutine). Cache the *result* instead: an async method that
  stores it in an attribute, or a cached Task (`asyncio.ensure_future`) that can be awaited many
  times.
  """)
H("cached-property-async",
  "`cached_property` calls the getter once and caches *what it returns*. What does an `async def` "
  "getter return?",
  "The second access gives back the same coroutine object, already run to completion. Can a "
  "coroutine be awaited twice?")

# ---------------------------------------------------------------- async iteration
S("aiter-async-def", "async-iteration", "An `async def __aiter__`", 2,
  """
  ```python
  class Countdown:
      def __init__(self, n):
          self.n = n
      async def __aiter__(self):
          return self
      async def __anext__(self):
          if self.n == 0:
              raise StopAsyncIteration
          self.n -= 1
          return self.n
  ```
  What does `async for x in Countdown(2): print(x)` do (Python 3.7 or newer)?
  """,
  [("`TypeError`, because `__aiter__` returns a coroutine object", True,
    "Right: `__aiter__` must be a plain `def` returning the async iterator; only `__anext__` is awaitable."),
   ("It prints 1 and 0: `async for` awaits `__aiter__` first", False,
    "Python 3.6 still accepted an awaitable `__aiter__`, with a DeprecationWarning; since 3.7 it is an error."),
   ("The loop runs zero times, because the coroutine from `__aiter__` is falsy", False,
    "Truthiness plays no role; `async for` checks that `__aiter__`'s result has `__anext__`."),
   ("`SyntaxError`: `__aiter__` may not be defined with `async def`", False,
    "The class compiles: any method may be `async def`. The problem appears when `async for` calls it.")],
  """
  `async for` calls `__aiter__()` synchronously and expects the async iterator itself, then
  awaits `__anext__()` for each item. An `async def __aiter__` returns a coroutine object instead,
  so Python raises `TypeError` (and warns that the coroutine was never awaited). Write
  `def __aiter__(self): return self`. Checked on 3.7, 3.11, 3.12 and 3.13; 3.6 accepted it with a
  DeprecationWarning.
  """,
  proof=(r"""
  import asyncio, warnings

  class Countdown:
      def __init__(self, n):
          self.n = n
      async def __aiter__(self):
          return self
      async def __anext__(self):
          if self.n == 0:
              raise StopAsyncIteration
          self.n -= 1
          return self.n

  async def main():
      with warnings.catch_warnings(record=True) as caught:
          warnings.simplefilter("always")
          try:
              async for x in Countdown(2):
                  print(x)
          except TypeError as e:
              print("TypeError:", e)
      print(caught[0].category.__name__, caught[0].message)

  asyncio.run(main())
  """, """
  TypeError: 'async for' received an object from __aiter__ that does not implement __anext__: coroutine
  RuntimeWarning coroutine 'Countdown.__aiter__' was never awaited
  """))
H("aiter-async-def",
  "`async for` calls `__aiter__()` *without* awaiting it and expects the async iterator itself; "
  "only `__anext__` is awaited.",
  "So what does an `async def __aiter__` hand to `async for` instead of `self`?")

P("agen-concurrent-anext", "async-iteration", "One async generator, two consumers at once", 3, PO,
  r"""
  import asyncio

  async def ticks():
      for i in range(3):
          await asyncio.sleep(0.01)
          yield i

  async def main():
      gen = ticks()
      results = await asyncio.gather(anext(gen), anext(gen), return_exceptions=True)
      print([r if isinstance(r, int) else type(r).__name__ for r in results])
      print(await anext(gen))
      await gen.aclose()

  asyncio.run(main())
  """,
  """
  [0, 'RuntimeError']
  1
  """,
  """
  An async generator can only be advanced by one consumer at a time. The first `anext` starts the
  generator, which suspends inside `asyncio.sleep`. The second `anext`, run concurrently by
  `gather`, finds the generator still running and fails with `RuntimeError` (asynchronous
  generator is already running). The first call is not disturbed and yields 0; the generator
  then goes on normally. To share one source between tasks, put its items on an `asyncio.Queue`.
  """)
H("agen-concurrent-anext",
  "`gather` runs the two `anext(gen)` calls concurrently, and the first one leaves the generator "
  "suspended inside `asyncio.sleep`.",
  "An async generator can be advanced by only one consumer at a time. What happens to a second "
  "`anext` while the first is still running, and does it disturb the first?")
