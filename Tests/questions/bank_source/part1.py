from helpers import S, M, P, Q


def H(qid, *hints):
    """Hints for the question `qid` defined just above: 1 to 3, revealed one at a time (S, M and P take none)."""
    [q] = [q for q in Q if q["id"] == qid]
    q["hints"] = list(hints)


PO = "What does this program print?"

# ---------------------------------------------------------------- awaitables
T = "awaitables"

S("await-plain-value", T, "What can follow `await`?", 1,
  """
  Inside `async def main()`, which of these expressions can **not** be used after `await`?
  """,
  [("`asyncio.create_task(work())` (a Task)", False,
    "Tasks are Futures, and Futures are awaitable: awaiting one waits for its result."),
   ("`asyncio.sleep(0.1)` (a coroutine object)", False,
    "A coroutine object is the most common awaitable; awaiting it runs the coroutine to completion."),
   ("`loop.create_future()` (a Future)", False,
    "Futures implement `__await__`; awaiting one suspends until someone sets its result."),
   ("`len('abc')` (the int 3)", True,
    "Right: an `int` has no `__await__` method, so `await 3` raises `TypeError: object int can't be used in 'await' expression`.")],
  """
  `await` only accepts *awaitables*: coroutine objects, Tasks/Futures, or objects whose class
  defines `__await__`. A plain value such as an `int` is not awaitable; Python raises `TypeError`
  when the `await` expression is evaluated.
  """,
  proof=(r"""
  import asyncio

  async def main():
      try:
          await len("abc")
      except TypeError as e:
          print("TypeError:", e)

  asyncio.run(main())
  """, """
  TypeError: object int can't be used in 'await' expression
  """))

M("awaitable-objects", T, "Which objects are awaitable?", 2,
  """
  Given `async def work(): ...` and `async def agen(): yield 1`, which of these are **awaitable**
  (can be used directly in `await x`)? Select all that apply.
  """,
  [("`work()` — the object returned by calling the coroutine function", True,
    "Calling an `async def` function returns a coroutine object, which is awaitable."),
   ("`work` — the coroutine function itself, not called", False,
    "A function object is not awaitable; you must call it to get a coroutine object first."),
   ("an instance of a class that defines `__await__` returning an iterator", True,
    "That is exactly the awaitable protocol: `await` calls `__await__()` and drives the iterator."),
   ("`asyncio.create_task(work())`", True,
    "A Task is a subclass of Future and is awaitable."),
   ("`anext(agen())` — what `anext` returns for an async generator", True,
    "`anext(g)` returns an awaitable that produces the generator's next value; the generator object `agen()` itself is not awaitable.")],
  """
  Awaitables are coroutine objects, Futures (including Tasks) and objects implementing `__await__`.
  A coroutine *function* must be called first. An async generator object is consumed with
  `async for`, not awaited, but `anext(g)` hands out an awaitable for its next value.
  `inspect.isawaitable` confirms this.
  """,
  proof=(r"""
  import asyncio, inspect

  async def work():
      return 1

  async def agen():
      yield 1

  class Custom:
      def __await__(self):
          return iter(())

  async def main():
      c = work()
      t = asyncio.create_task(work())
      g = agen()
      print(inspect.isawaitable(c), inspect.isawaitable(t), inspect.isawaitable(Custom()))
      n = anext(g)
      print(inspect.isawaitable(work), inspect.isawaitable(g), inspect.isawaitable(n))
      await n
      c.close()
      await t

  asyncio.run(main())
  """, """
  True True True
  False False True
  """))

P("custom-await", T, "A class with `__await__`", 3, PO,
  r"""
  import asyncio

  class Doubler:
      def __init__(self, value):
          self.value = value

      def __await__(self):
          yield from asyncio.sleep(0).__await__()
          return self.value * 2

  async def main():
      x = await Doubler(21)
      print(x)
      print(await Doubler(x))

  asyncio.run(main())
  """,
  """
  42
  84
  """,
  """
  `await obj` calls `obj.__await__()` and runs that generator; whatever the generator *returns*
  becomes the value of the `await` expression. Here `__await__` first delegates to
  `asyncio.sleep(0)` (yielding control to the loop once), then returns `value * 2`:
  42, then 84.
  """)
H("custom-await",
  "`await obj` runs the iterator that `obj.__await__()` returns; what that generator *returns* (not "
  "what it yields) becomes the value of the `await`.",
  "The `yield from asyncio.sleep(0).__await__()` only hands control to the loop once. Follow what "
  "`self.value * 2` is for each of the two awaits.")

P("future-set-result", T, "Awaiting a Future", 2, PO,
  r"""
  import asyncio

  async def main():
      loop = asyncio.get_running_loop()
      fut = loop.create_future()
      print("done?", fut.done())
      loop.call_later(0.05, fut.set_result, "ready")
      print("waiting")
      value = await fut
      print(value, fut.done())

  asyncio.run(main())
  """,
  """
  done? False
  waiting
  ready True
  """,
  """
  A Future is a placeholder for a result that does not exist yet. `await fut` suspends `main`
  until some other code calls `fut.set_result(...)`; here the loop does that after 0.05 s.
  The value passed to `set_result` becomes the value of the `await`, and the future is then done.
  """)

S("await-coroutine-twice", T, "Awaiting the same coroutine twice", 2,
  """
  ```python
  async def main():
      c = compute()      # compute is an async def function
      a = await c
      b = await c
  ```
  What happens at the second `await c`?
  """,
  [("It immediately returns the same result as the first await", False,
    "That is how a *Task* (or Future) behaves, not a bare coroutine object."),
   ("It runs `compute()` again and returns a fresh result", False,
    "A coroutine object is a one-shot execution, not a recipe; to run again you must call `compute()` again."),
   ("It returns `None`, since the coroutine has already finished", False,
    "Python does not silently return `None`; it reports the misuse with an error."),
   ("It raises `RuntimeError`", True,
    "Right: `RuntimeError: cannot reuse already awaited coroutine`. A coroutine object can be driven only once.")],
  """
  A coroutine object represents one run of the function body. Once it has finished, it is
  exhausted and awaiting it again raises `RuntimeError`. Wrap it in a Task if you need to await
  the result in several places: a finished Task keeps its result.
  """,
  proof=(r"""
  import asyncio

  async def compute():
      return 42

  async def main():
      c = compute()
      print(await c)
      try:
          await c
      except RuntimeError as e:
          print("RuntimeError:", e)

  asyncio.run(main())
  """, """
  42
  RuntimeError: cannot reuse already awaited coroutine
  """))
H("await-coroutine-twice",
  "A coroutine object stands for *one* run of the function body. Compare it with a Task, which "
  "keeps its result after it has finished.")

P("task-await-twice", T, "Awaiting one Task twice", 2, PO,
  r"""
  import asyncio

  async def work():
      print("working")
      return 7

  async def main():
      t = asyncio.create_task(work())
      a = await t
      b = await t
      print(a + b)

  asyncio.run(main())
  """,
  """
  working
  14
  """,
  """
  A Task runs its coroutine exactly once and stores the outcome. The first `await t` waits for it;
  the second finds the Task already done and just returns the stored result (7) without running
  the body again. So "working" is printed once and `a + b` is 14.
  """)

M("future-task-facts", T, "Futures and Tasks", 2,
  """
  Which statements about `asyncio.Future` and `asyncio.Task` are true? Select all that apply.
  """,
  [("`asyncio.Task` is a subclass of `asyncio.Future`", True,
    "Yes: a Task is a Future whose result is produced by running a coroutine."),
   ("Awaiting a Future that is already done returns its result immediately", True,
    "A done Future just hands back its stored result (or raises its stored exception)."),
   ("`fut.result()` on a Future that is not done yet waits for it", False,
    "`result()` never waits: on a pending Future it raises `InvalidStateError`. Use `await fut` to wait."),
   ("A Future runs code by itself, like a thread", False,
    "A bare Future runs nothing; it is only a slot for a result that some other code fills in."),
   ("`fut.set_result(x)` runs the coroutines awaiting `fut` before it returns", False,
    "`set_result` only schedules the Future's callbacks; the awaiters resume later, when the loop gets control back.")],
  """
  A Future is a low-level container for a result that arrives later; awaiting it suspends until
  it is set. A Task is a Future that drives a coroutine. `result()` is non-blocking: it raises
  `InvalidStateError` when the result is not there yet. `set_result` schedules the awaiters to
  resume; they run at the loop's next turn, not inside the call.
  """,
  proof=(r"""
  import asyncio

  async def waiter(fut):
      print("awaiter got", await fut)

  async def main():
      loop = asyncio.get_running_loop()
      fut = loop.create_future()
      print(issubclass(asyncio.Task, asyncio.Future))
      try:
          fut.result()
      except asyncio.InvalidStateError:
          print("InvalidStateError")
      t = asyncio.create_task(waiter(fut))
      await asyncio.sleep(0)
      fut.set_result(5)
      print("set_result returned")
      await t
      print(await fut)

  asyncio.run(main())
  """, """
  True
  InvalidStateError
  set_result returned
  awaiter got 5
  5
  """))

# ---------------------------------------------------------------- coroutines
T = "coroutines"

S("coroutine-not-awaited", T, "Calling without await", 1,
  """
  ```python
  async def greet():
      print("hello")

  async def main():
      greet()
  ```
  What does the call `greet()` inside `main` do?
  """,
  [("It prints `hello` right away, before `main` goes on to its next line", False,
    "Calling a coroutine function does not execute its body; it only creates a coroutine object."),
   ("It raises `SyntaxError`", False,
    "The call is perfectly legal syntax; the mistake is that the result is thrown away."),
   ("It only creates a coroutine object: nothing is printed", True,
    "Right: the body runs only when the coroutine is awaited (or wrapped in a Task); Python later warns that it was never awaited."),
   ("It schedules `greet` to run in the background as soon as `main` awaits", False,
    "A bare call schedules nothing; it takes `asyncio.create_task` (or a TaskGroup, or `gather`) to run a coroutine on its own.")],
  """
  Calling an `async def` function returns a coroutine object without running any of its code.
  Nothing happens until it is awaited or wrapped in a Task; if it is simply dropped, Python emits
  `RuntimeWarning: coroutine 'greet' was never awaited`.
  """,
  proof=(r"""
  import asyncio

  async def greet():
      print("hello")

  async def main():
      c = greet()
      print(type(c).__name__)
      c.close()   # discard it without the warning
      print("end of main")

  asyncio.run(main())
  """, """
  coroutine
  end of main
  """))

P("coroutine-body-lazy", T, "When does the body run?", 1, PO,
  r"""
  import asyncio

  async def greet(name):
      print("hello", name)
      return len(name)

  async def main():
      c = greet("ada")
      print("created")
      n = await c
      print("got", n)

  asyncio.run(main())
  """,
  """
  created
  hello ada
  got 3
  """,
  """
  `greet("ada")` only builds a coroutine object; the body has not started, so "created" comes
  first. `await c` then runs the body ("hello ada") and its `return` value 3 becomes the value of
  the `await` expression.
  """)

P("sequential-awaits", T, "Two awaits in a row", 1, PO,
  r"""
  import asyncio

  async def step(name, delay):
      print("start", name)
      await asyncio.sleep(delay)
      print("end", name)

  async def main():
      await step("a", 0.1)
      await step("b", 0.05)

  asyncio.run(main())
  """,
  """
  start a
  end a
  start b
  end b
  """,
  """
  `await` waits for the awaited coroutine to finish before the next line runs. The second step is
  not even created until the first has ended, so even though "b" sleeps less, the steps run one
  after the other. Concurrency needs Tasks (`create_task`, `gather`, `TaskGroup`).
  """)

M("async-def-facts", T, "Facts about `async def`", 1,
  """
  Which statements about coroutine functions (`async def`) are true? Select all that apply.
  """,
  [("A coroutine object can be awaited any number of times", False,
    "A coroutine object is single-use; a second await raises `RuntimeError`."),
   ("Calling one returns a coroutine object", True,
    "Yes: the call creates the coroutine object; nothing in the body has run yet."),
   ("`return x` in the body makes `x` the value of the `await`", True,
    "`x = await f()` binds whatever `f` returned."),
   ("`await` may be used in a plain `def` as long as an event loop is running", False,
    "Whether a loop runs does not matter: `await` in a regular function is a `SyntaxError` at compile time."),
   ("Calling one runs its body up to the first `await`", False,
    "The call runs nothing at all; the body starts only when the coroutine is awaited or a Task drives it.")],
  """
  A coroutine function produces a coroutine object when called. Awaiting it runs the body, and its
  return value becomes the value of the `await`. `await` is only legal inside coroutines (the
  compiler rejects it in a plain `def`), and a coroutine object can be run only once.
  """,
  proof=(r"""
  import asyncio

  async def f():
      print("body runs")
      return 3

  async def main():
      c = f()
      print("called")
      print(await c)
      try:
          compile("def g():\n    await f()\n", "g", "exec")
      except SyntaxError as e:
          print("SyntaxError:", e.msg)

  asyncio.run(main())
  """, """
  called
  body runs
  3
  SyntaxError: 'await' outside async function
  """))

S("await-in-sync-def", T, "`await` in a regular function", 1,
  """
  ```python
  def load():
      data = await fetch()
      return data
  ```
  What happens with this code?
  """,
  [("`load()` silently becomes a coroutine function", False,
    "Only `async def` makes a coroutine function; Python never infers it from the body."),
   ("It works, but blocks until `fetch()` completes", False,
    "Python does not allow this at all; a regular function cannot suspend."),
   ("It raises `RuntimeError` only when `load()` is called, as no loop runs", False,
    "The check is done at compile time, not at call time."),
   ("Compiling fails: `SyntaxError: 'await' outside async function`", True,
    "Right: the error is raised when the module is compiled, before anything runs.")],
  """
  `await` may only appear inside an `async def` function. Using it in a regular `def` is detected
  by the compiler, so the whole module fails with `SyntaxError` before running.
  """,
  proof=(r"""
  src = "def load():\n    data = await fetch()\n    return data\n"
  try:
      compile(src, "example.py", "exec")
  except SyntaxError as e:
      print("SyntaxError:", e.msg)
  """, """
  SyntaxError: 'await' outside async function
  """))

P("coroutine-send", T, "Driving a coroutine by hand", 3, PO,
  r"""
  async def add(a, b):
      return a + b

  coro = add(2, 3)
  try:
      coro.send(None)
  except StopIteration as stop:
      print("finished with", stop.value)
  """,
  """
  finished with 5
  """,
  """
  Coroutines are built on the generator machinery. `send(None)` starts the coroutine; since `add`
  never suspends, it runs to the end and signals completion by raising `StopIteration`, whose
  `value` carries the return value. This is exactly what the event loop does for you.
  """)
H("coroutine-send",
  "A coroutine is driven like a generator: `send(None)` runs it until it suspends or finishes.",
  "`add` never suspends, so the first `send` runs it to the end. How does a generator signal that "
  "it has finished, and where does the return value travel?")

S("iscoroutinefunction-check", T, "Coroutine function or coroutine?", 2,
  """
  ```python
  import inspect
  async def job(): return 1
  ```
  Which line prints `True`?
  """,
  [("`print(inspect.iscoroutinefunction(job()))`", False,
    "`job()` is a coroutine object, not a function, so this prints False (and leaves an unawaited coroutine)."),
   ("`print(inspect.iscoroutine(job))`", False,
    "`job` is the coroutine *function*; `iscoroutine` checks for a coroutine *object*."),
   ("`print(inspect.iscoroutinefunction(job))`", True,
    "Right: `job` is a function defined with `async def`."),
   ("`print(callable(job()))`", False,
    "A coroutine object is not callable; you await it, you do not call it.")],
  """
  Keep the two apart: `job` is a coroutine function (`inspect.iscoroutinefunction(job)` is True),
  and `job()` is a coroutine object (`inspect.iscoroutine(job())` is True).
  """,
  proof=(r"""
  import inspect

  async def job():
      return 1

  c = job()
  print(inspect.iscoroutine(job), inspect.iscoroutinefunction(job))
  print(inspect.iscoroutine(c), callable(c))
  c.close()
  """, """
  False True
  True False
  """))
