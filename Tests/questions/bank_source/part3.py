from helpers import S, M, P, Q


def H(qid, *hints):
    """Hints for the question `qid` defined just above: 1 to 3, revealed one at a time (S, M and P take none)."""
    [q] = [q for q in Q if q["id"] == qid]
    q["hints"] = list(hints)


PO = "What does this program print?"

# ---------------------------------------------------------------- tasks
T = "tasks"

P("create-task-start-order", T, "When does a new task start?", 1, PO,
  r"""
  import asyncio

  async def worker(name):
      print(name, "started")
      await asyncio.sleep(0.05)
      print(name, "finished")

  async def main():
      t = asyncio.create_task(worker("w"))
      print("task created")
      await asyncio.sleep(0.1)
      print("main done", t.done())

  asyncio.run(main())
  """,
  """
  task created
  w started
  w finished
  main done True
  """,
  """
  `create_task` schedules the coroutine but does not run it immediately: `main` keeps running
  until its first `await`. Then the loop starts the task ("w started"); it finishes after
  0.05 s, before `main` wakes up at 0.1 s, so the task is done. (That is the default task factory,
  the only one in 3.11; from 3.12 a loop may opt in to `asyncio.eager_task_factory`, which starts
  the body inside `create_task`.)
  """)

P("gather-result-order", T, "Order of gather's results", 2, PO,
  r"""
  import asyncio

  async def job(name, delay):
      await asyncio.sleep(delay)
      print("finished", name)
      return name

  async def main():
      results = await asyncio.gather(job("slow", 0.15), job("fast", 0.05), job("mid", 0.1))
      print(results)

  asyncio.run(main())
  """,
  """
  finished fast
  finished mid
  finished slow
  ['slow', 'fast', 'mid']
  """,
  """
  The jobs run concurrently and finish in order of their delays, which is the order of the
  prints. But `gather` returns its results in the order of its *arguments*, not of completion,
  so the list is `['slow', 'fast', 'mid']`.
  """)

P("as-completed-order", T, "`as_completed`", 2, PO,
  r"""
  import asyncio

  async def job(name, delay):
      await asyncio.sleep(delay)
      return name

  async def main():
      jobs = [job("slow", 0.15), job("fast", 0.05), job("mid", 0.1)]
      for next_done in asyncio.as_completed(jobs):
          print(await next_done)

  asyncio.run(main())
  """,
  """
  fast
  mid
  slow
  """,
  """
  `asyncio.as_completed` starts all the awaitables and yields awaitables that produce the results
  in order of *completion*. Each `await next_done` gives the next result to finish: fast (0.05 s),
  mid (0.1 s), slow (0.15 s).
  """)

P("taskgroup-basic", T, "A TaskGroup", 2, PO,
  r"""
  import asyncio

  async def job(name, delay):
      await asyncio.sleep(delay)
      print(name, "done")
      return name.upper()

  async def main():
      async with asyncio.TaskGroup() as tg:
          t1 = tg.create_task(job("a", 0.1))
          t2 = tg.create_task(job("b", 0.05))
          print("inside the block")
      print("after the block:", t1.result(), t2.result())

  asyncio.run(main())
  """,
  """
  inside the block
  b done
  a done
  after the block: A B
  """,
  """
  `tg.create_task` starts tasks that run concurrently; the body of the `async with` goes on
  immediately ("inside the block"). Leaving the block waits for every task of the group, so
  after it both tasks are done and `result()` can be read safely.
  """)

S("keep-task-reference", T, "Why keep a reference to a task?", 3,
  """
  The asyncio documentation says to save a reference to the Task returned by `create_task`
  (for example in a set) for "fire-and-forget" background work. Why?
  """,
  [("Without a reference the task never starts: the loop only runs tasks someone holds", False,
    "The task is scheduled as soon as it is created, reference or not."),
   ("The loop holds tasks only weakly, so an unreferenced task may be garbage-collected mid-run", True,
    "Right: you must hold a strong reference until the task is done (and discard it then)."),
   ("Python raises an error when a task object is discarded", False,
    "Nothing is raised at that point; the danger is silent disappearance."),
   ("The reference is needed to run the task in another thread", False,
    "Tasks always run in the loop's thread.")],
  """
  The loop references scheduled tasks only weakly. A task that nobody references may be
  garbage-collected mid-execution. Keep tasks in a collection (and remove them with
  `task.add_done_callback(tasks.discard)`), or better, use a TaskGroup that owns them.
  """)
H("keep-task-reference",
  "A task is scheduled as soon as it is created, and dropping it raises nothing. Think about what "
  "kind of reference the event loop keeps to a task, and what the garbage collector does with "
  "objects nobody holds strongly.")

S("task-start-moment", T, "Does `create_task` run anything?", 2,
  """
  ```python
  async def main():
      t = asyncio.create_task(work())
      total = sum(range(10))     # no await here
      ...
  ```
  With the default task factory, when does the first line of `work()`'s body execute?
  """,
  [("When `main` next suspends at an `await` and the loop gets control", True,
    "Right: the loop can only start the task when the running coroutine yields."),
   ("In a new thread, immediately, so it runs in parallel with the `sum`", False,
    "Tasks are not threads; they run in the loop's thread when it is free."),
   ("Inside `create_task`, before it returns", False,
    "With the default task factory, `create_task` only schedules the first step and returns. (From Python 3.12 a loop can opt in to `asyncio.eager_task_factory`, which does run the body up to its first suspension inside `create_task`.)"),
   ("Only when `main` reaches `await t`, since a Task waits for its awaiter", False,
    "Awaiting is not required for the task to run; any suspension of `main` lets it start.")],
  """
  `create_task` puts the task's first step in the loop's ready queue. Because only one thing runs
  at a time, it starts as soon as the current coroutine suspends, whether or not it awaits this
  particular task. (Python 3.12 added an opt-in `asyncio.eager_task_factory` that starts the body
  inside `create_task`; the default is unchanged up to 3.13.)
  """,
  proof=(r"""
  import asyncio

  async def work():
      print("work starts")

  async def main():
      t = asyncio.create_task(work())
      total = sum(range(10))
      print("sum computed", total)
      await asyncio.sleep(0)
      print("after first await, done:", t.done())

  asyncio.run(main())
  """, """
  sum computed 45
  work starts
  after first await, done: True
  """))
H("task-start-moment",
  "Tasks are not threads: only one piece of code runs on the loop's thread at a time, and the loop "
  "can start a task only when it gets control back.")

S("gather-wraps-coroutines", T, "What does gather do with coroutines?", 2,
  """
  `await asyncio.gather(a(), b(), c())` receives three coroutine objects. How does it run them
  concurrently?
  """,
  [("It awaits them one after another in argument order, collecting each result", False,
    "That would be sequential; gather would then be no better than three awaits."),
   ("It wraps each one in a Task, then waits until all three are done", True,
    "Right: the Tasks interleave at their awaits and gather collects their results in argument order."),
   ("It runs each coroutine in its own thread", False,
    "gather uses Tasks on the same event loop, not threads."),
   ("It runs them in parallel on different CPU cores", False,
    "asyncio does not give parallelism; it interleaves waiting.")],
  """
  Coroutines passed to `gather` are scheduled as Tasks. The Tasks run concurrently on the one
  loop, and gather's own future completes when all of them are done, with results in argument
  order.
  """,
  proof=(r"""
  import asyncio

  async def show():
      await asyncio.sleep(0)
      return asyncio.current_task().get_coro().__name__

  async def main():
      names = await asyncio.gather(show(), show())
      print(names, asyncio.current_task().get_coro().__name__)

  asyncio.run(main())
  """, """
  ['show', 'show'] main
  """))

M("taskgroup-facts", T, "TaskGroup behaviour", 2,
  """
  Which statements about `asyncio.TaskGroup` (Python 3.11) are true? Select all that apply.
  """,
  [("If one task raises, the others still run to their end before the error is reported", False,
    "No: the group aborts at the first failure: it cancels the siblings, waits for them, then reports it."),
   ("A single failing task is raised as the bare exception, not in a group", False,
    "Even a single failure is wrapped in an `ExceptionGroup` (or `BaseExceptionGroup`); only `KeyboardInterrupt` and `SystemExit` are re-raised bare."),
   ("The `async with` statement returns the list of task results", False,
    "`as tg` binds the group itself; read results from the Task objects after the block."),
   ("A failing task is logged and ignored while the others go on", False,
    "That would hide errors; TaskGroup is designed so that no failure is lost."),
   ("Leaving the `async with` block waits until all tasks of the group are done", True,
    "The group's `__aexit__` awaits every task it created.")],
  """
  TaskGroup gives structured concurrency: tasks cannot outlive the block, one failure cancels the
  others, and all failures are collected into an ExceptionGroup.
  """,
  proof=(r"""
  import asyncio

  async def sleeper():
      try:
          await asyncio.sleep(1)
      except asyncio.CancelledError:
          print("sibling cancelled")
          raise

  async def boom():
      await asyncio.sleep(0.05)
      raise ValueError("boom")

  async def main():
      try:
          async with asyncio.TaskGroup() as tg:
              tg.create_task(sleeper())
              tg.create_task(boom())
      except ExceptionGroup as eg:
          print(type(eg).__name__, [repr(e) for e in eg.exceptions])

  asyncio.run(main())
  """, """
  sibling cancelled
  ExceptionGroup ["ValueError('boom')"]
  """))

M("gather-vs-taskgroup", T, "gather versus TaskGroup", 3,
  """
  Compare `await asyncio.gather(*coros)` (without `return_exceptions`) and
  `async with asyncio.TaskGroup() as tg:` creating the same tasks. Which statements are true?
  Select all that apply.
  """,
  [("When one fails, gather raises that exception but does not cancel the others; TaskGroup cancels them", True,
    "gather leaves the remaining tasks running; TaskGroup aborts its siblings."),
   ("gather raises the first exception itself; TaskGroup raises an `ExceptionGroup`", True,
    "That is why code around a TaskGroup uses `except*` or `except ExceptionGroup` (only `KeyboardInterrupt` and `SystemExit` come out bare)."),
   ("Both run the coroutines concurrently", True,
    "Both schedule each coroutine as a Task on the loop."),
   ("Both give you a list of the results, in the order the tasks were created", False,
    "Only gather returns a list; with a TaskGroup you read each task's `result()`."),
   ("TaskGroup leaves the block early, as soon as the first of its tasks finishes", False,
    "The block exits only when every task is done (or the group aborts because of an error).")],
  """
  gather collects results in order and propagates the first error while the rest keep running.
  TaskGroup is structured: no task escapes the block, and on failure it cancels the rest and
  raises all errors together as an ExceptionGroup.
  """,
  proof=(r"""
  import asyncio

  async def slow(tag):
      try:
          await asyncio.sleep(0.15)
          print(tag, "slow finished")
      except asyncio.CancelledError:
          print(tag, "slow cancelled")
          raise

  async def bad():
      await asyncio.sleep(0.05)
      raise ValueError("bad")

  async def main():
      try:
          await asyncio.gather(slow("gather:"), bad())
      except ValueError as e:
          print("gather raised", repr(e))
      await asyncio.sleep(0.2)
      try:
          async with asyncio.TaskGroup() as tg:
              for coro in (slow("group:"), bad()):
                  tg.create_task(coro)
      except* ValueError as eg:
          print("group raised", type(eg).__name__)

  asyncio.run(main())
  """, """
  gather raised ValueError('bad')
  gather: slow finished
  group: slow cancelled
  group raised ExceptionGroup
  """))
H("gather-vs-taskgroup",
  "Compare what happens when one task fails: which of the two cancels the other tasks, and which "
  "exception type reaches your code?",
  "Also check how each one hands back results (one list, or each task's `result()`), and when the "
  "`async with TaskGroup` block is left.")

# ---------------------------------------------------------------- cancellation-timeouts
T = "cancellation-timeouts"

P("cancel-cleanup", T, "Cancelling a task", 2, PO,
  r"""
  import asyncio

  async def worker():
      try:
          await asyncio.sleep(1)
      except asyncio.CancelledError:
          print("cleaning up")
          raise
      finally:
          print("finally runs")

  async def main():
      t = asyncio.create_task(worker())
      await asyncio.sleep(0.05)
      t.cancel()
      try:
          await t
      except asyncio.CancelledError:
          print("main saw the cancellation")
      print("cancelled:", t.cancelled())

  asyncio.run(main())
  """,
  """
  cleaning up
  finally runs
  main saw the cancellation
  cancelled: True
  """,
  """
  `t.cancel()` makes `CancelledError` appear inside the task at the `await` where it is suspended.
  The task cleans up, the `finally` block runs, and re-raising lets the cancellation complete.
  Awaiting a cancelled task raises `CancelledError` in the awaiter, and `t.cancelled()` is True.
  """)

P("timeout-context", T, "`asyncio.timeout`", 1, PO,
  r"""
  import asyncio

  async def main():
      try:
          async with asyncio.timeout(0.05):
              await asyncio.sleep(1)
              print("not reached")
      except TimeoutError:
          print("timed out")
      print(TimeoutError is asyncio.TimeoutError)

  asyncio.run(main())
  """,
  """
  timed out
  True
  """,
  """
  `asyncio.timeout(delay)` (3.11) cancels the code inside the block when the deadline passes and
  turns that cancellation into `TimeoutError` as it leaves the block. Since 3.11,
  `asyncio.TimeoutError` is just another name for the built-in `TimeoutError`.
  """)

P("wait-for-cancels", T, "What `wait_for` does on timeout", 2, PO,
  r"""
  import asyncio

  async def slow():
      try:
          await asyncio.sleep(1)
          return "done"
      except asyncio.CancelledError:
          print("slow was cancelled")
          raise

  async def main():
      try:
          print(await asyncio.wait_for(slow(), timeout=0.05))
      except TimeoutError:
          print("wait_for timed out")

  asyncio.run(main())
  """,
  """
  slow was cancelled
  wait_for timed out
  """,
  """
  When the timeout expires, `wait_for` cancels the awaited operation and waits for the
  cancellation to finish (so "slow was cancelled" comes first), then raises `TimeoutError`.
  """)

P("shield-survives", T, "`asyncio.shield`", 3, PO,
  r"""
  import asyncio

  async def save():
      await asyncio.sleep(0.15)
      print("saved")
      return "ok"

  async def main():
      task = asyncio.create_task(save())
      try:
          await asyncio.wait_for(asyncio.shield(task), timeout=0.05)
      except TimeoutError:
          print("gave up waiting")
      print(await task)

  asyncio.run(main())
  """,
  """
  gave up waiting
  saved
  ok
  """,
  """
  `shield(task)` returns an outer future; when `wait_for` times out it cancels only that outer
  future, not the task inside. So `main` stops waiting after 0.05 s, but the save keeps running,
  completes at 0.15 s, and its result can still be awaited.
  """)
H("shield-survives",
  "`asyncio.shield(task)` returns an outer future; when `wait_for` times out it cancels that outer "
  "future, not the task inside.",
  "So `main` stops waiting at 0.05 s while `save` keeps running. What happens when `main` then "
  "awaits the task itself?")

S("swallowed-cancel", T, "Swallowing CancelledError", 3,
  """
  ```python
  async def stubborn():
      try:
          await asyncio.sleep(1)
      except asyncio.CancelledError:
          pass
      return "finished anyway"
  ```
  Another coroutine calls `t.cancel()` on a task running `stubborn()` and later awaits it. What
  happens?
  """,
  [("`await t` returns `'finished anyway'`; `t.cancelled()` is False", True,
    "Right: this is why you should re-raise CancelledError after cleanup; timeouts and TaskGroups depend on it."),
   ("Python raises `RuntimeError` because CancelledError must not be caught", False,
    "Catching it is allowed (for cleanup); Python does not stop you from swallowing it."),
   ("`await t` raises `CancelledError` and `t.cancelled()` is True", False,
    "The task caught the CancelledError and returned normally, so it did not end cancelled."),
   ("The task is killed anyway at the end of the `except` block", False,
    "Cancellation is only a request delivered as an exception; if it is caught, the task continues.")],
  """
  Cancellation is cooperative: it is an exception thrown into the task. If the task catches it and
  does not re-raise, the task simply continues and finishes normally. Always re-raise (or use
  `finally` for cleanup) so that cancel(), `asyncio.timeout` and TaskGroup work.
  """,
  proof=(r"""
  import asyncio

  async def stubborn():
      try:
          await asyncio.sleep(1)
      except asyncio.CancelledError:
          pass
      return "finished anyway"

  async def main():
      t = asyncio.create_task(stubborn())
      await asyncio.sleep(0.05)
      t.cancel()
      print(await t, t.cancelled())

  asyncio.run(main())
  """, """
  finished anyway False
  """))
H("swallowed-cancel",
  "Cancellation is only a request, delivered as a `CancelledError` raised at the `await` where the "
  "task is suspended.",
  "If the coroutine catches that exception and does not re-raise it, how does the task end: "
  "cancelled, or with a normal return value?")

M("cancellederror-facts", T, "Facts about CancelledError", 2,
  """
  Which statements about cancellation are true in Python 3.11? Select all that apply.
  """,
  [("`task.cancel()` on a task that has already finished returns False", True,
    "A done task cannot be cancelled; cancel() reports that by returning False."),
   ("`task.cancel()` stops the task instantly, even in the middle of a computation", False,
    "It only requests cancellation; the error is raised at the task's next suspension point."),
   ("`except Exception:` inside a task does not catch a cancellation", True,
    "It follows from the class hierarchy; the CancelledError passes through."),
   ("When `asyncio.timeout()` expires, `TimeoutError`, not `CancelledError`, leaves the `async with` block", True,
    "Yes: the context manager cancels the inner await, then converts its own cancellation into `TimeoutError`."),
   ("`asyncio.CancelledError` is a subclass of `BaseException`, not `Exception`", True,
    "Since 3.8, so that `except Exception:` does not swallow cancellations by accident.")],
  """
  Cancellation is a request delivered as `CancelledError` at the next await. It derives from
  BaseException so generic handlers do not eat it. Cancelling a finished task does nothing and
  returns False, and timeouts convert their cancellation into `TimeoutError`.
  """,
  proof=(r"""
  import asyncio

  async def quick():
      return 1

  async def main():
      print(issubclass(asyncio.CancelledError, Exception),
            issubclass(asyncio.CancelledError, BaseException))
      t = asyncio.create_task(quick())
      await t
      print("cancel a done task:", t.cancel())
      try:
          async with asyncio.timeout(0.01):
              await asyncio.sleep(1)
      except BaseException as e:
          print(type(e).__name__)

  asyncio.run(main())
  """, """
  False True
  cancel a done task: False
  TimeoutError
  """))

S("timeout-api-choice", T, "A deadline for several steps", 2,
  """
  In Python 3.11, you need one deadline of 2 s covering three consecutive awaits
  (`await connect()`, `await send()`, `await receive()`). Which is the most direct way?
  """,
  [("Pass `timeout=2` to `asyncio.run`", False,
    "`asyncio.run` has no timeout parameter."),
   ("`await asyncio.wait_for(connect(), 2)`, and the same for the others", False,
    "That gives each step its own 2 s, so the total could reach 6 s."),
   ("`time.sleep(2)` and then check whether they finished", False,
    "This blocks the loop and runs nothing meanwhile."),
   ("`async with asyncio.timeout(2):` around the three awaits", True,
    "Right: one context manager puts a single deadline on the whole block.")],
  """
  `asyncio.timeout()` (new in 3.11) sets one deadline for everything inside its block; when it
  expires the current await is cancelled and `TimeoutError` is raised at the end of the block.
  `wait_for` applies to a single awaitable.
  """,
  proof=(r"""
  import asyncio

  async def step(name):
      await asyncio.sleep(0.2)
      print(name, "ok")

  async def main():
      try:
          async with asyncio.timeout(0.5):
              await step("connect")
              await step("send")
              await step("receive")
      except TimeoutError:
          print("whole exchange took too long")

  asyncio.run(main())
  """, """
  connect ok
  send ok
  whole exchange took too long
  """))

P("except-exception-misses-cancel", T, "`except Exception` and cancellation", 2, PO,
  r"""
  import asyncio

  async def worker():
      try:
          await asyncio.sleep(1)
      except Exception:
          print("caught by except Exception")
      finally:
          print("finally")

  async def main():
      t = asyncio.create_task(worker())
      await asyncio.sleep(0.05)
      t.cancel()
      results = await asyncio.gather(t, return_exceptions=True)
      print(type(results[0]).__name__)

  asyncio.run(main())
  """,
  """
  finally
  CancelledError
  """,
  """
  `CancelledError` derives from `BaseException`, so `except Exception` does not catch it; only
  the `finally` block runs and the task ends cancelled. With `return_exceptions=True`, gather
  reports the cancelled task as a `CancelledError` instance in the results.
  """)

S("cancel-when-raised", T, "Where does CancelledError appear?", 2,
  """
  A task is running this code, and another task calls `t.cancel()` while `t` is suspended in
  `await asyncio.sleep(10)`:
  ```python
  print("A")
  await asyncio.sleep(10)
  print("B")
  ```
  What happens in the cancelled task?
  """,
  [("The task stops without any exception, so `finally` blocks are skipped", False,
    "Cancellation is an exception precisely so that `finally` and `async with` clean-up run."),
   ("The sleep finishes first, then `CancelledError` is raised before `B`", False,
    "Cancellation interrupts the wait itself; it does not wait for the sleep to end."),
   ("`B` is printed and the task ends normally", False,
    "The pending sleep is aborted by the CancelledError."),
   ("`CancelledError` is raised at the `await`, so `B` is never printed", True,
    "Right: the exception is thrown into the coroutine where it is suspended.")],
  """
  `cancel()` schedules a `CancelledError` to be thrown into the coroutine at the await where it
  is suspended. Code after that await does not run unless the error is caught.
  """,
  proof=(r"""
  import asyncio

  async def work():
      print("A")
      try:
          await asyncio.sleep(10)
          print("B")
      finally:
          print("cleanup")

  async def main():
      t = asyncio.create_task(work())
      await asyncio.sleep(0.05)
      t.cancel()
      await asyncio.gather(t, return_exceptions=True)
      print("cancelled:", t.cancelled())

  asyncio.run(main())
  """, """
  A
  cleanup
  cancelled: True
  """))
H("cancel-when-raised",
  "Cancellation is delivered as an exception thrown into the coroutine. Where in this code is the "
  "task suspended when `cancel()` is called?")

# ---------------------------------------------------------------- error-handling
T = "error-handling"

P("gather-first-exception", T, "An exception in gather", 2, PO,
  r"""
  import asyncio

  async def ok():
      await asyncio.sleep(0.1)
      print("ok finished")
      return "ok"

  async def bad():
      await asyncio.sleep(0.05)
      raise ValueError("boom")

  async def main():
      try:
          await asyncio.gather(ok(), bad())
      except ValueError as e:
          print("caught", e)
      await asyncio.sleep(0.1)
      print("end")

  asyncio.run(main())
  """,
  """
  caught boom
  ok finished
  end
  """,
  """
  Without `return_exceptions`, gather raises the first exception as soon as it happens (at
  0.05 s). The other awaitables are **not** cancelled: `ok()` keeps running in the background
  and prints at 0.1 s while `main` sleeps.
  """)

P("gather-return-exceptions", T, "`return_exceptions=True`", 1, PO,
  r"""
  import asyncio

  async def ok():
      await asyncio.sleep(0.05)
      return "ok"

  async def bad():
      raise ValueError("boom")

  async def main():
      results = await asyncio.gather(ok(), bad(), return_exceptions=True)
      for r in results:
          print(type(r).__name__, r)

  asyncio.run(main())
  """,
  """
  str ok
  ValueError boom
  """,
  """
  With `return_exceptions=True`, gather never raises because of the awaitables: each exception is
  placed in the result list at its position, next to the normal results.
  """)

P("taskgroup-except-star", T, "TaskGroup and `except*`", 3, PO,
  r"""
  import asyncio

  async def fail(exc):
      raise exc

  async def main():
      try:
          async with asyncio.TaskGroup() as tg:
              tg.create_task(fail(ValueError("bad value")))
              tg.create_task(fail(TypeError("bad type")))
              tg.create_task(fail(ValueError("worse value")))
      except* ValueError as eg:
          print("values:", [str(e) for e in eg.exceptions])
      except* TypeError as eg:
          print("types:", [str(e) for e in eg.exceptions])
      print("handled")

  asyncio.run(main())
  """,
  """
  values: ['bad value', 'worse value']
  types: ['bad type']
  handled
  """,
  """
  All three tasks fail in their first step, so the group collects three exceptions into one
  `ExceptionGroup`. `except*` splits the group by type: the `ValueError` clause receives a
  sub-group with both ValueErrors, and the `TypeError` clause receives the rest. Unlike plain
  `except`, several `except*` clauses can run for one raise.
  """)
H("taskgroup-except-star",
  "All three tasks fail in their first step, so the TaskGroup collects all three exceptions into "
  "one `ExceptionGroup`.",
  "Unlike plain `except`, several `except*` clauses can run for one raise: each receives a "
  "sub-group holding only the exceptions of its type.")

S("plain-except-vs-group", T, "`except ValueError` around a TaskGroup", 2,
  """
  ```python
  try:
      async with asyncio.TaskGroup() as tg:
          tg.create_task(parse())      # raises ValueError
  except ValueError:
      print("handled")
  ```
  What happens when `parse()` raises `ValueError`?
  """,
  [("`handled` is printed, since the group re-raises the task's ValueError", False,
    "The group does not re-raise the ValueError itself; it wraps it."),
   ("The program hangs forever, waiting for someone to await the failed task", False,
    "The group finishes as soon as all tasks are done."),
   ("An `ExceptionGroup` holding the ValueError escapes the `try`", True,
    "Right: TaskGroup wraps task errors in an ExceptionGroup, even a single one (only `KeyboardInterrupt` and `SystemExit` are re-raised bare); catch it with `except* ValueError` or `except ExceptionGroup`."),
   ("The error is silently dropped because it happened in a task", False,
    "TaskGroup never drops errors; that is one of its main benefits.")],
  """
  TaskGroup reports failures as an `ExceptionGroup`, even a single one (`KeyboardInterrupt` and
  `SystemExit` are the exceptions: they are re-raised bare). A plain
  `except ValueError` does not match an ExceptionGroup; use `except* ValueError`.
  """,
  proof=(r"""
  import asyncio

  async def parse():
      raise ValueError("bad input")

  async def main():
      try:
          try:
              async with asyncio.TaskGroup() as tg:
                  tg.create_task(parse())
          except ValueError:
              print("handled")
      except ExceptionGroup as eg:
          print("escaped:", type(eg).__name__, [repr(e) for e in eg.exceptions])

  asyncio.run(main())
  """, """
  escaped: ExceptionGroup ["ValueError('bad input')"]
  """))
H("plain-except-vs-group",
  "Which exception type does a TaskGroup raise when its tasks fail, even when only one of them "
  "failed? Does `except ValueError` match that type?")

M("unretrieved-task-exception", T, "A failing task nobody awaits", 2,
  """
  `main` starts `t = asyncio.create_task(job())`, and `job()` raises `KeyError` while `main` is
  busy awaiting something else. Which statements are true? Select all that apply.
  """,
  [("The exception does not appear in `main` on its own", True,
    "Exceptions in a task stay in the task; nothing is thrown into other coroutines."),
   ("If nobody retrieves it, asyncio logs `Task exception was never retrieved` when the task is collected", True,
    "That log message (on stderr) is often the only trace of a forgotten failing task."),
   ("`asyncio.run` re-raises it when `main` returns, so the program still ends with the KeyError", False,
    "asyncio.run only propagates `main`'s own outcome; unretrieved task errors are only logged."),
   ("The whole program crashes immediately with the KeyError", False,
    "Other tasks keep running; a task failure is not a process-wide crash."),
   ("The exception is stored in the task; `await t` (or `t.result()`) raises it", True,
    "The task is done and holds the exception until someone retrieves it.")],
  """
  A task's exception is kept in the task object until it is retrieved with `await t`,
  `t.result()` or `t.exception()`. If that never happens, it is only logged. Await your tasks or
  use a TaskGroup so errors are not lost.
  """,
  proof=(r"""
  import asyncio

  async def job():
      raise KeyError("missing")

  async def main():
      t = asyncio.create_task(job())
      await asyncio.sleep(0.05)
      print("main still running; task done:", t.done())
      try:
          await t
      except KeyError as e:
          print("retrieved:", repr(e))

  asyncio.run(main())
  """, """
  main still running; task done: True
  retrieved: KeyError('missing')
  """))

P("exception-through-await-chain", T, "try/except around an await", 1, PO,
  r"""
  import asyncio

  async def read_config():
      await asyncio.sleep(0)
      raise FileNotFoundError("config.toml")

  async def main():
      try:
          await read_config()
          print("loaded")
      except FileNotFoundError as e:
          print("missing:", e)
      else:
          print("no error")
      finally:
          print("finally")

  asyncio.run(main())
  """,
  """
  missing: config.toml
  finally
  """,
  """
  An exception raised in an awaited coroutine propagates through the `await` exactly like one from
  a normal function call, so ordinary `try/except/else/finally` works: "loaded" and the `else`
  branch are skipped, the handler and `finally` run.
  """)

P("gather-cancelled-cancels-children", T, "When `gather` itself is cancelled", 3, PO,
  r"""
  import asyncio

  async def child(name, delay):
      try:
          await asyncio.sleep(delay)
          print(name, "done")
          return name
      except asyncio.CancelledError:
          print(name, "cancelled")
          raise

  async def main():
      try:
          async with asyncio.timeout(0.05):
              await asyncio.gather(child("a", 0.01), child("b", 1))
      except TimeoutError:
          print("timeout")

  asyncio.run(main())
  """,
  """
  a done
  b cancelled
  timeout
  """,
  """
  gather does not cancel its children when one of them *fails*, but it does when gather itself
  is *cancelled*: cancelling the gather future (here by the timeout, which cancels `main` while it
  awaits gather) cancels every child that is still running. "a" finished in time; "b" is
  cancelled at 0.05 s, and `asyncio.timeout` turns the cancellation of `main` into
  `TimeoutError`.
  """)
H("gather-cancelled-cancels-children",
  "`gather` does not cancel its children when one of them *fails*; what does it do when `gather` "
  "itself is cancelled?",
  "The timeout cancels `main` at 0.05 s while it awaits the gather. Which child has finished by "
  "then, and which is still sleeping?")

M("except-star-facts", T, "ExceptionGroup and `except*`", 3,
  """
  Which statements about `ExceptionGroup` and `except*` (Python 3.11) are true? Select all that
  apply.
  """,
  [("One raised ExceptionGroup can trigger several `except*` clauses of the same `try`", True,
    "Each clause handles the matching part of the group; the rest is passed on."),
   ("You can mix `except` and `except*` clauses in the same `try` statement", False,
    "That is a SyntaxError; a try statement uses one style or the other."),
   ("`eg.exceptions` is a tuple of the contained exceptions", True,
    "Each `except*` clause receives a group whose `.exceptions` holds the matching ones."),
   ("Exceptions of the group that no `except*` clause matches propagate in a new ExceptionGroup", True,
    "Unhandled parts propagate as an ExceptionGroup that holds only them."),
   ("`except* ValueError as e` binds `e` to a single ValueError", False,
    "It binds an ExceptionGroup containing only the ValueErrors, even if there is just one.")],
  """
  ExceptionGroup bundles several exceptions (as TaskGroup produces). `except*` matches by type
  inside the group: several clauses may run, each gets a sub-group, and whatever is left
  unmatched is re-raised.
  """,
  proof=(r"""
  def check():
      try:
          raise ExceptionGroup("many", [ValueError("v"), TypeError("t"), KeyError("k")])
      except* ValueError as eg:
          print("value clause:", type(eg).__name__, eg.exceptions)
      except* TypeError as eg:
          print("type clause:", len(eg.exceptions))

  try:
      check()
  except ExceptionGroup as rest:
      print("left over:", rest.exceptions)

  try:
      compile("try:\n    pass\nexcept ValueError:\n    pass\nexcept* TypeError:\n    pass\n", "x", "exec")
  except SyntaxError:
      print("mixing is a SyntaxError")
  """, """
  value clause: ExceptionGroup (ValueError('v'),)
  type clause: 1
  left over: (KeyError('k'),)
  mixing is a SyntaxError
  """))
H("except-star-facts",
  "`except*` matches by type *inside* a group: several clauses can run for one raise, and each "
  "clause binds a group, even when it holds a single exception.",
  "Think about what happens to the parts of the group that no clause matches, and whether Python "
  "lets one `try` combine `except` and `except*` clauses.")
