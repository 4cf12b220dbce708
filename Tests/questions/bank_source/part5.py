from helpers import S, M, P, Q


def H(qid, *hints):
    """Hints for the question `qid` defined just above: 1 to 3, revealed one at a time (S, M and P take none)."""
    [q] = [q for q in Q if q["id"] == qid]
    q["hints"] = list(hints)


PO = "What does this program print?"

# ---------------------------------------------------------------- async-iteration
T = "async-iteration"

P("async-gen-basic", T, "An async generator", 1, PO,
  r"""
  import asyncio

  async def countdown(n):
      while n > 0:
          await asyncio.sleep(0.01)
          yield n
          n -= 1

  async def main():
      async for x in countdown(3):
          print(x)
      print([x async for x in countdown(2)])

  asyncio.run(main())
  """,
  """
  3
  2
  1
  [2, 1]
  """,
  """
  An `async def` containing `yield` is an async generator. `async for` awaits each next value
  (the generator may await between values), and an async comprehension collects all of them into
  a list.
  """)

P("aiter-anext-class", T, "`__aiter__` and `__anext__`", 2, PO,
  r"""
  import asyncio

  class Ticker:
      def __init__(self, limit):
          self.limit = limit
          self.count = 0

      def __aiter__(self):
          return self

      async def __anext__(self):
          if self.count >= self.limit:
              raise StopAsyncIteration
          await asyncio.sleep(0)
          self.count += 1
          return self.count * 10

  async def main():
      async for value in Ticker(3):
          print(value)
      print("done")

  asyncio.run(main())
  """,
  """
  10
  20
  30
  done
  """,
  """
  `async for` calls `__aiter__()` once (a plain method returning the iterator), then awaits
  `__anext__()` for every value. Raising `StopAsyncIteration` ends the loop, the async
  counterpart of `StopIteration`.
  """)

P("async-gen-aclose", T, "Leaving an async generator early", 3, PO,
  r"""
  import asyncio

  async def numbers():
      try:
          for i in range(10):
              yield i
      finally:
          print("generator closed")

  async def main():
      gen = numbers()
      async for n in gen:
          print(n)
          if n == 1:
              break
      print("after loop")
      await gen.aclose()
      print("end")

  asyncio.run(main())
  """,
  """
  0
  1
  after loop
  generator closed
  end
  """,
  """
  `break` leaves the loop but does not finish the generator: it stays suspended at `yield 1`, so
  its `finally` has not run at "after loop". `await gen.aclose()` throws `GeneratorExit` in at the
  `yield`, which runs the `finally` block. Closing explicitly (or with
  `contextlib.aclosing`) makes clean-up deterministic.
  """)
H("async-gen-aclose",
  "`break` leaves the `async for`, but does it finish the generator? Where is the generator "
  "suspended at that moment?",
  "Its `finally` runs only when something closes it; here that is the explicit `await "
  "gen.aclose()`, which throws `GeneratorExit` in at the paused `yield`.")

P("anext-default", T, "`anext()` with a default", 2, PO,
  r"""
  import asyncio

  async def letters():
      yield "a"
      yield "b"

  async def main():
      g = letters()
      print(await anext(g))
      print(await anext(g))
      print(await anext(g, "no more"))
      try:
          await anext(g)
      except StopAsyncIteration:
          print("StopAsyncIteration")

  asyncio.run(main())
  """,
  """
  a
  b
  no more
  StopAsyncIteration
  """,
  """
  The built-in `anext()` (3.10+) returns an awaitable for the next value. When the generator is
  exhausted it raises `StopAsyncIteration`, unless a default is given, in which case the default
  is returned instead.
  """)

S("async-for-on-list", T, "`async for` over a list", 1,
  """
  Inside a coroutine, what happens with `async for x in [1, 2, 3]: print(x)`?
  """,
  [("It raises `TypeError`: a list has no `__aiter__`", True,
    "Right: a list is only a regular iterable; use a plain `for` for it."),
   ("It is a `SyntaxError`: `async for` only accepts async iterables", False,
    "The syntax is valid inside a coroutine; the error occurs at run time."),
   ("It prints the numbers concurrently, one task per element", False,
    "`async for` never makes iterations concurrent, and it does not accept a list anyway."),
   ("It prints 1, 2, 3, exactly like a normal `for` loop would", False,
    "`async for` does not fall back to the normal iteration protocol.")],
  """
  `async for` uses the async iteration protocol (`__aiter__`/`__anext__`). Regular iterables
  such as lists do not implement it, so a `TypeError` is raised. Use `for` for regular iterables.
  """,
  proof=(r"""
  import asyncio

  async def main():
      try:
          async for x in [1, 2, 3]:
              print(x)
      except TypeError as e:
          print("TypeError:", e)

  asyncio.run(main())
  """, """
  TypeError: 'async for' requires an object with __aiter__ method, got list
  """))

S("async-gen-not-awaitable", T, "Awaiting an async generator", 2,
  """
  ```python
  async def rows():
      yield 1
      yield 2

  async def main():
      data = await rows()
  ```
  What happens at `await rows()`?
  """,
  [("`data` becomes `[1, 2]`, as `await` collects every yielded value", False,
    "An async generator is not collected by awaiting it; use `[r async for r in rows()]`."),
   ("`data` becomes `None`, because the generator has no `return` value", False,
    "Python reports the mistake with an error."),
   ("`TypeError`: an async generator is not awaitable", True,
    "Right: async generators are async *iterables*, not awaitables."),
   ("`data` becomes 1, the first value the generator yields", False,
    "To get one value use `await anext(rows())`; `await` on the generator itself is not allowed.")],
  """
  An `async def` with `yield` produces an async generator object. It is consumed with
  `async for`, an async comprehension or `anext()`; it is not awaitable.
  """,
  proof=(r"""
  import asyncio

  async def rows():
      yield 1
      yield 2

  async def main():
      g = rows()
      print(type(g).__name__)
      try:
          await g
      except TypeError:
          print("TypeError")
      print([r async for r in rows()])

  asyncio.run(main())
  """, """
  async_generator
  TypeError
  [1, 2]
  """))

S("async-for-not-concurrent", T, "What `async for` overlaps", 2,
  """
  ```python
  async for page in fetch_pages():     # each page takes 1 s to arrive
      await save(page)                 # each save takes 1 s
  ```
  With 3 pages, how long does this take, and why?
  """,
  [("About 6 s: `async for` waits for each item, runs the body, and only then asks for the next", True,
    "Right: iteration and body alternate inside one task; other tasks may run meanwhile, but nothing here overlaps."),
   ("About 3 s: `async for` runs the bodies of different items concurrently", False,
    "The body for one item ends before the next item is requested, exactly as in a `for` loop."),
   ("About 4 s: the generator fetches the next page while the body saves the current one", False,
    "An async generator is paused at its `yield` while the body runs; it does not prefetch. Use a Queue and two tasks for a pipeline."),
   ("About 1 s: all pages are requested at once when the loop starts", False,
    "Items are requested one at a time with `__anext__`; nothing starts them together.")],
  """
  `async for` only means that getting the next item may suspend (so other *tasks* can run
  meanwhile); within the loop itself, fetching and processing still alternate strictly. To
  overlap them, start tasks (`TaskGroup`, `gather`) or build a producer/consumer pipeline with an
  `asyncio.Queue`.
  """,
  proof=(r"""
  import asyncio

  async def fetch_pages():
      for i in range(3):
          await asyncio.sleep(0.1)
          print(f"page {i} arrived")
          yield i

  async def main():
      loop = asyncio.get_running_loop()
      start = loop.time()
      async for page in fetch_pages():
          await asyncio.sleep(0.1)
          print(f"page {page} saved")
      print("total", round(loop.time() - start, 1), "s")

  asyncio.run(main())
  """, """
  page 0 arrived
  page 0 saved
  page 1 arrived
  page 1 saved
  page 2 arrived
  page 2 saved
  total 0.6 s
  """))

M("async-comprehension-facts", T, "Async comprehensions", 2,
  """
  Inside a coroutine, which statements about comprehensions are true? Select all that apply.
  """,
  [("An async comprehension runs its iterations concurrently", False,
    "Async comprehensions are sequential; for concurrency use gather or a TaskGroup."),
   ("`[await fetch(u) for u in urls]` starts all the fetches at once, like `gather`", False,
    "Each element is awaited before the next is started; it is a sequential loop."),
   ("`{k: v async for k, v in pairs()}` is a `SyntaxError`", False,
    "Set and dict comprehensions and generator expressions may also use `async for`."),
   ("`[await fetch(u) for u in urls]` is a `SyntaxError` because it lacks `async for`", False,
    "`await` may appear in any comprehension inside an `async def`; `async for` is only needed to iterate an async iterable."),
   ("`[x async for x in agen()]` collects all values of an async generator", True,
    "That is an async comprehension.")],
  """
  Async comprehensions (`async for` in a comprehension) and `await` inside comprehensions are
  allowed in coroutines, but they are sequential: they save typing, not time.
  """,
  proof=(r"""
  import asyncio

  async def pairs():
      for k in "ab":
          await asyncio.sleep(0)
          yield k, k.upper()

  async def fetch(n):
      await asyncio.sleep(0.05)
      return n

  async def main():
      print([k async for k, _ in pairs()], {k: v async for k, v in pairs()})
      loop = asyncio.get_running_loop()
      start = loop.time()
      print([await fetch(n) for n in range(3)], loop.time() - start > 0.14)

  asyncio.run(main())
  """, """
  ['a', 'b'] {'a': 'A', 'b': 'B'}
  [0, 1, 2] True
  """))

M("async-gen-facts", T, "Async generator objects", 3,
  """
  Which statements about async generators (`async def` with `yield`) are true? Select all that
  apply.
  """,
  [("`await agen.aclose()` runs the generator's pending `finally` blocks", True,
    "aclose throws GeneratorExit at the paused yield, so clean-up code runs."),
   ("`asyncio.run` finalizes async generators that are still open when the loop ends", True,
    "It calls `loop.shutdown_asyncgens()` before closing the loop."),
   ("`await agen.asend(v)` resumes the generator; the paused `yield` evaluates to `v`", True,
    "asend is the async version of a generator's send."),
   ("`yield from` can be used inside an async generator to delegate to another one", False,
    "`yield from` is not allowed in async generators; loop with `async for` and yield each value."),
   ("An async generator runs in its own task, created when iteration starts", False,
    "It runs in the task that is iterating it, a step at a time.")],
  """
  Async generators mirror generators: `asend`, `athrow` and `aclose` are awaitable versions of
  send/throw/close; `yield from` is not supported; they run inside the consuming task, and
  `asyncio.run` closes leftover ones at shutdown.
  """,
  proof=(r"""
  import asyncio

  async def echo():
      try:
          received = None
          while True:
              received = yield f"got {received}"
      finally:
          print("echo closed")

  async def main():
      g = echo()
      print(await anext(g))
      print(await g.asend("hi"))
      await g.aclose()
      try:
          compile("async def f():\n    yield from g\n", "x", "exec")
      except SyntaxError:
          print("yield from: SyntaxError")

  asyncio.run(main())
  """, """
  got None
  got hi
  echo closed
  yield from: SyntaxError
  """))
H("async-gen-facts",
  "Async generators mirror plain generators: `asend`, `athrow` and `aclose` are awaitable versions "
  "of `send`, `throw` and `close`.",
  "Also check which generator feature is not allowed inside an `async def`, in which task an async "
  "generator's code runs, and what `asyncio.run` does with generators still open at shutdown.")

# ---------------------------------------------------------------- async-oop
T = "async-oop"

P("aenter-aexit-order", T, "Order of `__aenter__` and `__aexit__`", 2, PO,
  r"""
  import asyncio

  class Resource:
      def __init__(self, name):
          self.name = name
      async def __aenter__(self):
          print("open", self.name)
          return self
      async def __aexit__(self, exc_type, exc, tb):
          print("close", self.name, exc_type.__name__ if exc_type else None)
          return False

  async def main():
      async with Resource("a") as a, Resource("b") as b:
          print("using", a.name, b.name)
      try:
          async with Resource("c"):
              raise ValueError("oops")
      except ValueError:
          print("error propagated")

  asyncio.run(main())
  """,
  """
  open a
  open b
  using a b
  close b None
  close a None
  open c
  close c ValueError
  error propagated
  """,
  """
  Several managers in one `async with` are entered left to right and exited in reverse order.
  `__aexit__` always runs, also when the body raises; it receives the exception's type, and
  returning a false value lets the exception continue to propagate.
  """)

P("async-super", T, "`super()` in an async method", 2, PO,
  r"""
  import asyncio

  class Base:
      async def save(self):
          await asyncio.sleep(0)
          print("Base.save")
          return ["base"]

  class Child(Base):
      async def save(self):
          print("Child.save before")
          result = await super().save()
          print("Child.save after")
          return result + ["child"]

  async def main():
      print(await Child().save())

  asyncio.run(main())
  """,
  """
  Child.save before
  Base.save
  Child.save after
  ['base', 'child']
  """,
  """
  Overriding and `super()` work as usual with async methods; the only rule is that
  `super().save()` returns a coroutine that must be awaited. The child runs its code, awaits the
  parent's implementation, then extends its result.
  """)

P("async-polymorphism", T, "Polymorphic async methods", 2, PO,
  r"""
  import asyncio

  class Animal:
      delay = 0.0
      async def speak(self):
          await asyncio.sleep(self.delay)
          print(self.sound())
          return type(self).__name__
      def sound(self):
          raise NotImplementedError

  class Dog(Animal):
      delay = 0.1
      def sound(self):
          return "woof"

  class Cat(Animal):
      delay = 0.05
      def sound(self):
          return "meow"

  async def main():
      print(await asyncio.gather(*(a.speak() for a in [Dog(), Cat()])))

  asyncio.run(main())
  """,
  """
  meow
  woof
  ['Dog', 'Cat']
  """,
  """
  The inherited coroutine method uses each subclass's `delay` and `sound()`. Gathered, the two
  calls run concurrently: the cat (0.05 s) speaks before the dog (0.1 s), but gather returns
  results in argument order.
  """)

P("asynccontextmanager-order", T, "`@asynccontextmanager`", 2, PO,
  r"""
  import asyncio
  from contextlib import asynccontextmanager

  @asynccontextmanager
  async def session(name):
      print("connect", name)
      await asyncio.sleep(0)
      try:
          yield name.upper()
      finally:
          print("disconnect", name)

  async def main():
      async with session("db") as s:
          print("using", s)
      try:
          async with session("cache"):
              raise RuntimeError("fail")
      except RuntimeError as e:
          print("caught", e)

  asyncio.run(main())
  """,
  """
  connect db
  using DB
  disconnect db
  connect cache
  disconnect cache
  caught fail
  """,
  """
  `@asynccontextmanager` turns an async generator into an async context manager: code before
  `yield` is `__aenter__`, the yielded value is bound by `as`, and the code after it (here the
  `finally`) is `__aexit__`. An exception in the body is thrown in at the `yield`, so the
  `finally` runs, and then it propagates.
  """)

S("forgot-await-super", T, "Forgetting to await `super()`", 2,
  """
  ```python
  class Child(Base):
      async def setup(self):
          super().setup()          # Base.setup is an async method
          self.ready = True
  ```
  What happens when `await Child().setup()` runs?
  """,
  [("`Base.setup` runs in the background", False,
    "Only Tasks run in the background; a bare coroutine object does nothing."),
   ("`Base.setup` never runs: the call only makes a coroutine object, which is dropped", True,
    "Right: Python warns that the coroutine was never awaited; write `await super().setup()`."),
   ("`TypeError`: `super()` cannot be used in async methods", False,
    "`super()` works fine in async methods."),
   ("`Base.setup` runs to completion first, then `self.ready` is set, as in a plain method", False,
    "Calling an async method without await does not run it.")],
  """
  An async method called without `await` returns a coroutine object and does nothing else. With
  inheritance this silently skips the parent's initialisation; always `await super().method()`.
  """,
  proof=(r"""
  import asyncio

  class Base:
      async def setup(self):
          print("Base.setup runs")

  class Child(Base):
      async def setup(self):
          pending = super().setup()
          print("got", type(pending).__name__)
          pending.close()
          self.ready = True

  async def main():
      c = Child()
      await c.setup()
      print("ready:", c.ready)

  asyncio.run(main())
  """, """
  got coroutine
  ready: True
  """))

S("async-property", T, "An `async` property", 3,
  """
  ```python
  class Account:
      @property
      async def balance(self):
          return await self.db.fetch_balance()
  ```
  What is `acct.balance` (without `await`)?
  """,
  [("The balance, fetched synchronously", False,
    "A property whose getter is a coroutine function returns what the getter returns: a coroutine."),
   ("A fresh coroutine object, each time it is read", True,
    "Right: callers would have to write `await acct.balance`. It works, but it hides an await behind attribute syntax. An explicit `async def get_balance()` method is clearer."),
   ("`SyntaxError`: properties cannot be async", False,
    "Python accepts the definition; it just behaves surprisingly."),
   ("The value of the last `await acct.balance`, cached by the property", False,
    "Nothing is cached: every access calls the getter and creates a new coroutine.")],
  """
  Attribute access is synchronous. A property with an `async def` getter hands out a fresh
  coroutine each time, which is easy to forget to await. Prefer an explicit async method
  (`await acct.get_balance()`), or load the value in an async factory and store it.
  """,
  proof=(r"""
  import asyncio

  class Account:
      @property
      async def balance(self):
          await asyncio.sleep(0)
          return 100

  async def main():
      acct = Account()
      value = acct.balance
      print(type(value).__name__)
      print(await value)
      print(await acct.balance)

  asyncio.run(main())
  """, """
  coroutine
  100
  100
  """))
H("async-property",
  "Attribute access is synchronous: a property simply calls its getter and gives you whatever the "
  "getter returns.",
  "What does calling an `async def` function return, and does a plain `property` cache anything "
  "between two reads?")

S("async-init-factory", T, "Async initialisation of an object", 2,
  """
  A `Client` must open a connection (a coroutine `connect()`) before it can be used. Which
  design is correct?
  """,
  [("An async classmethod `create()` that awaits `connect()` and returns `cls(conn)`", True,
    "Right: callers write `client = await Client.create()`; the async factory does the awaiting, `__init__` stays synchronous."),
   ("In `__init__`, call `connect()` without await and store the result in `self.conn`", False,
    "That stores an unawaited coroutine object, not a connection."),
   ("In `__init__`, call `asyncio.run(connect())`", False,
    "Inside a running loop this raises RuntimeError, and it would block anyway."),
   ("`async def __init__(self): self.conn = await connect()`", False,
    "`__init__` must return None; an async `__init__` returns a coroutine, so `Client()` raises TypeError.")],
  """
  `__init__` cannot be a coroutine. Put the async work in an async factory (classmethod) or in
  `__aenter__`, and keep `__init__` for plain assignments.
  """,
  proof=(r"""
  import asyncio, warnings

  class Broken:
      async def __init__(self):
          self.ok = True

  class Client:
      def __init__(self, conn):
          self.conn = conn

      @classmethod
      async def create(cls):
          await asyncio.sleep(0)
          return cls("connection")

  async def main():
      with warnings.catch_warnings(record=True) as caught:
          warnings.simplefilter("always")
          try:
              Broken()
          except TypeError as e:
              print("TypeError:", e)
      print("warning:", caught[0].message)
      client = await Client.create()
      print(client.conn)

  asyncio.run(main())
  """, """
  TypeError: __init__() should return None, not 'coroutine'
  warning: coroutine 'Broken.__init__' was never awaited
  connection
  """))

M("async-cm-facts", T, "Async context managers", 2,
  """
  Which statements about async context managers are true? Select all that apply.
  """,
  [("A class with only `__aenter__`/`__aexit__` can also be used in a plain `with`", False,
    "`with` looks for `__enter__`/`__exit__`; it raises TypeError for an async-only manager."),
   ("`async with` awaits `__aenter__()` and binds its result to the `as` target", True,
    "`__aenter__` is awaited; what it returns is bound, often `self`."),
   ("`__aexit__` is also awaited when the body raises an exception", True,
    "That is the whole point: clean-up always runs."),
   ("If `__aexit__` returns a true value, the exception from the body is suppressed", True,
    "Same rule as `__exit__`; return False/None to let it propagate."),
   ("`async with` may be used inside a regular `def`", False,
    "Like `await`, `async with` is only allowed inside `async def`.")],
  """
  `async with` is the awaitable version of `with`: it awaits `__aenter__` and `__aexit__`, the
  exit runs even on errors, and its return value decides whether the exception is suppressed.
  It only works in coroutines and only with the async protocol.
  """,
  proof=(r"""
  import asyncio

  class Quiet:
      async def __aenter__(self):
          return "resource"
      async def __aexit__(self, exc_type, exc, tb):
          print("exit with", exc_type.__name__)
          return True

  async def main():
      async with Quiet() as r:
          print("using", r)
          raise KeyError("x")
      print("suppressed")
      try:
          with Quiet():
              pass
      except TypeError:
          print("plain with: TypeError")

  asyncio.run(main())
  """, """
  using resource
  exit with KeyError
  suppressed
  plain with: TypeError
  """))

M("async-method-facts", T, "Async methods and inheritance", 2,
  """
  Which statements about async methods in classes are true? Select all that apply.
  """,
  [("An override can call the parent's version with `await super().method()`", True,
    "Inheritance and `super()` work as for normal methods."),
   ("An override written as a plain `def` always breaks callers doing `await obj.method()`", False,
    "Not always: a plain `def` that returns an awaitable (say, a coroutine object) can be awaited; only one that returns a plain value (e.g. a str) makes the `await` raise TypeError."),
   ("Async methods run in a separate thread per instance", False,
    "They run on the event loop's thread like any coroutine."),
   ("An `async def` method is called as `await obj.method()`", True,
    "Calling it creates a coroutine bound to the instance; awaiting runs it."),
   ("Static methods and class methods cannot be async", False,
    "`@staticmethod async def` and `@classmethod async def` are fine (async factories are a common pattern).")],
  """
  Async methods are ordinary coroutine functions bound to objects. Callers await what an override
  returns, so it must return an awaitable: keeping the override `async def` is the simple way, but a
  plain `def` that returns a coroutine works too; one that returns a plain value does not.
  """,
  proof=(r"""
  import asyncio

  class Base:
      async def name(self):
          return "base"

  class Good(Base):
      async def name(self):
          return "good+" + await super().name()

  class Bad(Base):
      def name(self):
          return "bad"

  class Plain(Base):
      def name(self):
          return super().name()

  async def main():
      print(await Good().name())
      print("plain def returning a coroutine:", await Plain().name())
      try:
          await Bad().name()
      except TypeError:
          print("Bad: TypeError")

  asyncio.run(main())
  """, """
  good+base
  plain def returning a coroutine: base
  Bad: TypeError
  """))

# ---------------------------------------------------------------- async-libraries
T = "async-libraries"

P("executor-max-workers", T, "Blocking calls on a pool of two threads", 2, PO,
  r"""
  import asyncio, threading, time
  from concurrent.futures import ThreadPoolExecutor

  running = peak = 0
  guard = threading.Lock()

  def download(n):             # a blocking client call
      global running, peak
      with guard:
          running += 1
          peak = max(peak, running)
      time.sleep(0.05)
      with guard:
          running -= 1
      return n

  async def main():
      loop = asyncio.get_running_loop()
      with ThreadPoolExecutor(max_workers=2) as pool:
          jobs = [loop.run_in_executor(pool, download, n) for n in range(6)]
          print(await asyncio.gather(*jobs))
      print("at most", peak, "at once")

  asyncio.run(main())
  """,
  """
  [0, 1, 2, 3, 4, 5]
  at most 2 at once
  """,
  """
  `run_in_executor` keeps the loop free, but the blocking calls themselves run on the pool's
  threads, and a pool never runs more jobs at once than it has workers: the other jobs queue up.
  Six calls on two workers take three rounds. `gather` still returns the results in argument
  order. `asyncio.to_thread` uses the loop's default executor, whose size is also bounded
  (`min(32, os.cpu_count() + 4)` threads in Python 3.8 to 3.12; 3.13 counts the CPUs the process
  may use, `os.process_cpu_count()`), so hundreds of blocking requests
  do not all run at once: that is where an async client (aiohttp, httpx's AsyncClient) wins.
  """)
H("executor-max-workers",
  "`run_in_executor` keeps the loop free, but the blocking calls run on the pool's threads, and a "
  "pool never runs more jobs at once than it has workers.",
  "`gather` returns the results in the order of its arguments, whatever order they finished in.")

S("aiohttp-session", T, "Using aiohttp", 2,
  """
  Which snippet uses aiohttp the way its documentation recommends for fetching many pages?
  """,
  [("For each URL: `text = aiohttp.get(url).text`", False,
    "There is no blocking module-level `get`; aiohttp's API is awaitable and session-based."),
   ("For each URL, create a new `ClientSession()` and never close it, so each request gets fresh connections", False,
    "A session per request throws away connection pooling, and unclosed sessions leak connections (aiohttp warns about it)."),
   ("`requests.get(url)` inside `async with aiohttp.ClientSession()`", False,
    "Wrapping a blocking call in an aiohttp session does not make it non-blocking."),
   ("""`async with aiohttp.ClientSession() as session:` once, then for each URL `async with session.get(url) as resp: text = await resp.text()`""", True,
    "Right: one session reuses its connection pool; the response body is awaited and the response released by `async with`.")],
  """
  aiohttp is built around a `ClientSession` that owns a connection pool: create it once (as an
  async context manager), make requests with `async with session.get(...)`, and await the body
  (`await resp.text()` / `await resp.json()`).
  """)

S("aiofiles-why", T, "Why aiofiles?", 2,
  """
  Why do libraries like aiofiles exist, and how do they work?
  """,
  [("File I/O blocks and epoll cannot watch regular files, so aiofiles runs each operation in a thread pool behind an awaitable API", True,
    "Right: `async with aiofiles.open(path) as f: data = await f.read()` keeps the loop free while a worker thread reads."),
   ("Regular file reads never block, so aiofiles only adds a nicer `async`/`await` syntax on top of `open`", False,
    "Disk I/O can block (slow disks, network file systems, large files)."),
   ("aiofiles makes the disk itself faster by reading in parallel on all cores", False,
    "It does not speed up the disk; it just avoids blocking the loop."),
   ("aiofiles uses `asyncio.sleep` to wait until the file is ready", False,
    "`select` reports a regular file as always ready and epoll refuses to watch one (EPERM), so there is nothing to wait for that way.")],
  """
  `select`/`epoll` cannot tell whether a read from a regular file will block, so asyncio has no
  native non-blocking file I/O. aiofiles delegates each operation to a thread and gives you
  coroutines to await, the same idea as `asyncio.to_thread(path.read_text)`.
  """)

S("run-in-executor-default", T, "`run_in_executor(None, ...)`", 2,
  """
  What does `await loop.run_in_executor(None, func, arg)` do?
  """,
  [("Runs `func(arg)` in a new process", False,
    "Only if you pass a ProcessPoolExecutor explicitly; the default is threads."),
   ("Does nothing, because the executor is `None`", False,
    "`None` selects the default executor."),
   ("Runs `func(arg)` in the default thread pool and awaits the result", True,
    "Right: `None` means the default thread pool; keyword arguments need `functools.partial`."),
   ("Runs `func(arg)` directly on the event loop thread, then wraps the result in a Future", False,
    "Then it would block the loop; the point of the executor is to run it elsewhere.")],
  """
  `loop.run_in_executor(executor, func, *args)` submits a blocking call to an executor and
  returns an awaitable future. With `None`, asyncio uses (and lazily creates) its default
  ThreadPoolExecutor. `asyncio.to_thread` is a convenient wrapper that also passes kwargs.
  """,
  proof=(r"""
  import asyncio, threading, functools

  def work(x, scale=1):
      return x * scale, threading.current_thread() is threading.main_thread()

  async def main():
      loop = asyncio.get_running_loop()
      print(await loop.run_in_executor(None, work, 2))
      print(await loop.run_in_executor(None, functools.partial(work, 2, scale=10)))

  asyncio.run(main())
  """, """
  (2, False)
  (20, False)
  """))

P("to-thread-keeps-loop-alive", T, "`asyncio.to_thread` and a ticker", 2, PO,
  r"""
  import asyncio, time

  def blocking_read(name):
      time.sleep(0.15)
      return name.upper()

  async def ticker():
      for i in range(2):
          print("tick", i)
          await asyncio.sleep(0.05)

  async def main():
      t = asyncio.create_task(ticker())
      data = await asyncio.to_thread(blocking_read, "file.txt")
      print("read", data)
      await t

  asyncio.run(main())
  """,
  """
  tick 0
  tick 1
  read FILE.TXT
  """,
  """
  The blocking function runs in a worker thread, so the loop stays free: the ticker prints at
  0 s and 0.05 s while the read is still in progress, and the result arrives at 0.15 s. Called
  directly, `time.sleep(0.15)` would have delayed the ticks.
  """)

P("stream-reader-lines", T, "Reading from a StreamReader", 2, PO,
  r"""
  import asyncio

  async def main():
      reader = asyncio.StreamReader()
      reader.feed_data(b"HELLO 1\nHELLO 2\npartial")
      reader.feed_eof()
      print(await reader.readline())
      print(await reader.readuntil(b"\n"))
      print(await reader.read())
      print(await reader.read(), reader.at_eof())

  asyncio.run(main())
  """,
  r"""
  b'HELLO 1\n'
  b'HELLO 2\n'
  b'partial'
  b'' True
  """,
  """
  A StreamReader (what `asyncio.open_connection` gives you) returns bytes. `readline` and
  `readuntil` return up to and including the separator, `read()` with no size reads until EOF,
  and once at EOF `read()` returns `b''`. Here `feed_data` plays the role of the network.
  """)

P("stream-readexactly", T, "Waiting for stream data", 3, PO,
  r"""
  import asyncio

  async def network(reader):
      await asyncio.sleep(0.05)
      reader.feed_data(b"par")
      await asyncio.sleep(0.05)
      reader.feed_data(b"tial line\nrest")
      reader.feed_eof()

  async def main():
      reader = asyncio.StreamReader()
      feeder = asyncio.create_task(network(reader))
      print(await reader.readline())
      try:
          await reader.readexactly(10)
      except asyncio.IncompleteReadError as e:
          print("incomplete:", e.partial)
      await feeder

  asyncio.run(main())
  """,
  r"""
  b'partial line\n'
  incomplete: b'rest'
  """,
  """
  `readline()` suspends until a whole line is available, so it waits for both chunks and returns
  the joined line. `readexactly(10)` needs 10 bytes, but the stream ends after 4, so it raises
  `IncompleteReadError` carrying the bytes it did get in `partial`.
  """)
H("stream-readexactly",
  "`readline()` suspends until a whole line (up to `\\n`) or the end of the stream is there, however "
  "many chunks that takes.",
  "After the line, how many bytes are left before `feed_eof()`? When the stream ends before `n` "
  "bytes, `readexactly(n)` raises, and the exception's `partial` holds what it did get.")

M("stream-api-facts", T, "Reading and writing asyncio streams", 2,
  """
  About asyncio's `StreamReader` and `StreamWriter` (from `asyncio.open_connection`), which
  statements are true? Select all that apply.
  """,
  [("`await reader.read(100)` may return fewer than 100 bytes before end of file", True,
    "It returns as soon as some data is available, up to 100 bytes; loop or use `readexactly` when you need an exact count."),
   ("`await reader.readexactly(100)` returns what arrived when the peer closes after 40 bytes", False,
    "It raises `asyncio.IncompleteReadError`; the bytes that did arrive are in the exception's `partial` attribute."),
   ("`await reader.readline()` returns `b''` at end of file", True,
    "An empty bytes object is how every read method reports end of file (`readexactly` aside)."),
   ("`writer.write(data)` is a coroutine, so it must be awaited before the next write", False,
    "`write` is a plain method that buffers the data; the awaitable is `writer.drain()`."),
   ("`writer.close()` returns only once the connection is fully closed, so no other call is needed", False,
    "`close()` only starts closing; `await writer.wait_closed()` waits for the end.")],
  """
  A stream is a byte pipe, not a message queue: `read(n)` gives whatever has arrived (at most n
  bytes), `readexactly(n)` and `readline()` collect more for you, and end of file shows up as
  `b''` (or `IncompleteReadError` for `readexactly`). Writing is split in two: `write()` buffers
  at once, `await drain()` applies back-pressure; likewise `close()` then `await wait_closed()`.
  """,
  proof=(r"""
  import asyncio
  async def handle(r, w):
      w.write(b"abc")
      await w.drain()
      await r.readline()                    # wait for the client's "go"
      w.write(b"xy")
      w.close()
      await w.wait_closed()
  async def main():
      server = await asyncio.start_server(handle, "127.0.0.1", 0)
      reader, writer = await asyncio.open_connection("127.0.0.1", server.sockets[0].getsockname()[1])
      print("a:", await reader.read(100))
      print("d:", asyncio.iscoroutinefunction(writer.write), writer.write(b"go\n"))
      try:
          await reader.readexactly(10)
      except asyncio.IncompleteReadError as e:
          print("b: IncompleteReadError, partial", e.partial)
      print("c:", await reader.readline())
      writer.close()
      print("e: closing", writer.is_closing())
      await writer.wait_closed()
      server.close()
      await server.wait_closed()
  asyncio.run(main())
  """, """
  a: b'abc'
  d: False None
  b: IncompleteReadError, partial b'xy'
  c: b''
  e: closing True
  """))

M("to-thread-facts", T, "`asyncio.to_thread`", 3,
  """
  Which statements about `asyncio.to_thread(func, *args, **kwargs)` are true? Select all that
  apply.
  """,
  [("`func` may use `await` inside, since it runs under asyncio", False,
    "`func` is a regular function running in another thread; it cannot await on the loop."),
   ("It makes CPU-bound pure-Python code run in parallel on several cores", False,
    "Because of the GIL (in every default CPython build up to 3.13 at least), pure-Python threads do not compute in parallel; use processes."),
   ("It passes only positional arguments; keyword arguments need `functools.partial`", False,
    "That is `loop.run_in_executor`; `to_thread` forwards both `*args` and `**kwargs` to `func`."),
   ("Cancelling the task that awaits it also stops `func` in its thread", False,
    "Threads cannot be interrupted: only the waiting is cancelled, and `func` keeps running to its end."),
   ("Awaiting it gives `func`'s return value, or raises its exception", True,
    "`to_thread` is a coroutine function: the result or exception of the thread is delivered at the await.")],
  """
  `to_thread` moves one blocking call to the default thread pool and gives you an awaitable for
  its outcome. It keeps the loop responsive for blocking I/O, but it cannot stop a running thread
  and does not bypass the GIL.
  """,
  proof=(r"""
  import asyncio, time

  def blocking(x, *, scale):
      time.sleep(0.1)
      print("thread function finished")
      return x * scale

  async def main():
      print(await asyncio.to_thread(blocking, 2, scale=3))
      t = asyncio.create_task(asyncio.to_thread(blocking, 1, scale=1))
      await asyncio.sleep(0.02)
      t.cancel()
      try:
          await t
      except asyncio.CancelledError:
          print("waiting task cancelled")

  asyncio.run(main())
  """, """
  thread function finished
  6
  waiting task cancelled
  thread function finished
  """))
H("to-thread-facts",
  "`to_thread` runs a plain function in a worker thread and gives you an awaitable for its outcome; "
  "judge each statement by what a thread can and cannot do.",
  "Remember the GIL of default CPython builds, that a running thread cannot be interrupted, and "
  "compare how `to_thread` and `loop.run_in_executor` pass keyword arguments.")
