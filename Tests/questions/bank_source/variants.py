"""Variants of predict-output questions: the same program with other numbers, names, delays or order.

`VARY(qid, code, explanation, params, derive)` gives the question `qid` (defined in part1..7.py) a list
`variants`: one `{"code", "answer", "explanation"}` per parameter set, `code` and `explanation` being
`string.Template`s (`$name` or `${name}`) filled with the set and with what `derive(set)` adds. Variant 0
must be today's program and explanation, letter for letter (checked here), so ids, old attempts and old
clients keep their meaning. Each answer is what the program prints when run here (make_bank.py runs it);
Tests/questions runs every variant again, on every Python, and compares.

Only questions whose output really changes with the numbers, and whose lesson stays the same, get variants.
"""
from string import Template

from helpers import Q, _code, _text

# qid -> (code template, explanation template, [params, ...], derive)
VARIED = {}

WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}


def VARY(qid, code, explanation, params, derive=None):
    """Declare the variants of the predict-output question `qid`: 3 or more parameter sets, the first being
    today's program."""
    [q] = [q for q in Q if q["id"] == qid]
    assert q["kind"] == "predict_output", qid
    assert len(params) >= 3, f"{qid}: at least 3 variants"
    filled = []
    for p in params:
        values = dict(p, **(derive(p) if derive else {}))
        filled.append((Template(_code(code)).substitute(values), Template(_text(explanation)).substitute(values)))
    assert filled[0][0] == q["code"], f"{qid}: variant 0 is not today's program"
    # the same words (line breaks may differ, Markdown joins the lines); variant 0 keeps today's text itself
    assert filled[0][1].split() == q["explanation"].split(), f"{qid}: variant 0's explanation is not today's"
    filled[0] = (q["code"], q["explanation"])
    assert len({c for c, _ in filled}) == len(filled), f"{qid}: two variants have the same program"
    VARIED[qid] = filled


def _by_delay(*jobs):
    return sorted(jobs, key=lambda j: j[1])


VARY("task-await-twice", """
  import asyncio

  async def work():
      print("working")
      return $n

  async def main():
      t = asyncio.create_task(work())
      a = await t
      b = await t
      print(a + b)

  asyncio.run(main())
  """, """
  A Task runs its coroutine exactly once and stores the outcome. The first `await t` waits for it;
  the second finds the Task already done and just returns the stored result ($n) without running
  the body again. So "working" is printed once and `a + b` is $twice.
  """, [{"n": 7}, {"n": 4}, {"n": 12}, {"n": 9}], lambda p: {"twice": 2 * p["n"]})

VARY("coroutine-body-lazy", """
  import asyncio

  async def greet(name):
      print("hello", name)
      return len(name)

  async def main():
      c = greet("$name")
      print("created")
      n = await c
      print("got", n)

  asyncio.run(main())
  """, """
  `greet("$name")` only builds a coroutine object; the body has not started, so "created" comes
  first. `await c` then runs the body ("hello $name") and its `return` value $length becomes the value of
  the `await` expression.
  """, [{"name": "ada"}, {"name": "grace"}, {"name": "alan"}, {"name": "barbara"}],
     lambda p: {"length": len(p["name"])})

VARY("coroutine-send", """
  async def add(a, b):
      return a + b

  coro = add($a, $b)
  try:
      coro.send(None)
  except StopIteration as stop:
      print("finished with", stop.value)
  """, """
  Coroutines are built on the generator machinery. `send(None)` starts the coroutine; since `add`
  never suspends, it runs to the end and signals completion by raising `StopIteration`, whose
  `value` carries the return value. This is exactly what the event loop does for you.
  """, [{"a": 2, "b": 3}, {"a": 4, "b": 9}, {"a": 10, "b": 7}, {"a": 6, "b": 6}])

VARY("asyncio-sleep-interleaves", """
  import asyncio

  async def job(name, delay):
      print(name, "start")
      await asyncio.sleep(delay)
      print(name, "end")

  async def main():
      await asyncio.gather(job("$x", $dx), job("$y", $dy))

  asyncio.run(main())
  """, """
  `await asyncio.sleep` suspends only the current coroutine and hands control back to the loop.
  Both jobs start immediately, wait concurrently, and finish in order of their delays: $order.
  """, [{"x": "A", "dx": 0.15, "y": "B", "dy": 0.05}, {"x": "A", "dx": 0.05, "y": "B", "dy": 0.15},
        {"x": "B", "dx": 0.1, "y": "A", "dy": 0.2}, {"x": "B", "dx": 0.2, "y": "A", "dy": 0.1}],
     lambda p: {"order": ", ".join(f"{n} after {d} s" for n, d in _by_delay((p["x"], p["dx"]), (p["y"], p["dy"])))})

GATHER_JOBS = {"slow": 0.15, "fast": 0.05, "mid": 0.1}
VARY("gather-result-order", """
  import asyncio

  async def job(name, delay):
      await asyncio.sleep(delay)
      print("finished", name)
      return name

  async def main():
      results = await asyncio.gather(job("$n1", $d1), job("$n2", $d2), job("$n3", $d3))
      print(results)

  asyncio.run(main())
  """, """
  The jobs run concurrently and finish in order of their delays, which is the order of the
  prints. But `gather` returns its results in the order of its *arguments*, not of completion,
  so the list is `$listed`.
  """, [{"n1": a, "d1": GATHER_JOBS[a], "n2": b, "d2": GATHER_JOBS[b], "n3": c, "d3": GATHER_JOBS[c]}
        for a, b, c in (("slow", "fast", "mid"), ("fast", "slow", "mid"), ("mid", "slow", "fast"),
                        ("fast", "mid", "slow"))],
     lambda p: {"listed": repr([p["n1"], p["n2"], p["n3"]])})

VARY("as-completed-order", """
  import asyncio

  async def job(name, delay):
      await asyncio.sleep(delay)
      return name

  async def main():
      jobs = [job("$n1", $d1), job("$n2", $d2), job("$n3", $d3)]
      for next_done in asyncio.as_completed(jobs):
          print(await next_done)

  asyncio.run(main())
  """, """
  `asyncio.as_completed` starts all the awaitables and yields awaitables that produce the results
  in order of *completion*. Each `await next_done` gives the next result to finish: $order.
  """, [{"n1": "slow", "d1": 0.15, "n2": "fast", "d2": 0.05, "n3": "mid", "d3": 0.1},
        {"n1": "red", "d1": 0.1, "n2": "green", "d2": 0.15, "n3": "blue", "d3": 0.05},
        {"n1": "north", "d1": 0.05, "n2": "south", "d2": 0.1, "n3": "east", "d3": 0.15},
        {"n1": "tea", "d1": 0.15, "n2": "milk", "d2": 0.1, "n3": "jam", "d3": 0.05}],
     lambda p: {"order": ", ".join(f"{n} ({d} s)" for n, d in _by_delay(
         (p["n1"], p["d1"]), (p["n2"], p["d2"]), (p["n3"], p["d3"])))})

VARY("taskgroup-basic", """
  import asyncio

  async def job(name, delay):
      await asyncio.sleep(delay)
      print(name, "done")
      return name.upper()

  async def main():
      async with asyncio.TaskGroup() as tg:
          t1 = tg.create_task(job("$x", $dx))
          t2 = tg.create_task(job("$y", $dy))
          print("inside the block")
      print("after the block:", t1.result(), t2.result())

  asyncio.run(main())
  """, """
  `tg.create_task` starts tasks that run concurrently; the body of the `async with` goes on
  immediately ("inside the block"). Leaving the block waits for every task of the group, so
  after it both tasks are done and `result()` can be read safely.
  """, [{"x": "a", "dx": 0.1, "y": "b", "dy": 0.05}, {"x": "a", "dx": 0.05, "y": "b", "dy": 0.1},
        {"x": "x", "dx": 0.05, "y": "y", "dy": 0.15}, {"x": "x", "dx": 0.15, "y": "y", "dy": 0.1}])

VARY("no-await-no-race", """
  import asyncio

  counter = 0

  async def add_many(n):
      global counter
      for _ in range(n):
          counter += 1

  async def main():
      await asyncio.gather(*(add_many($n) for _ in range($k)))
      print(counter)

  asyncio.run(main())
  """, """
  Only one coroutine runs at a time and it can only be interrupted at an `await`. `add_many`
  contains no `await`, so each call runs its whole loop without interruption. No update can be
  lost: the result is exactly $total, with no lock needed.
  """, [{"n": 1000, "k": 10}, {"n": 500, "k": 6}, {"n": 250, "k": 4}, {"n": 2000, "k": 3}],
     lambda p: {"total": p["n"] * p["k"]})

VARY("lock-fixes-race", """
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
      await asyncio.gather(*(increment(lock) for _ in range($n)))
      print(counter)

  asyncio.run(main())
  """, """
  Without the lock, all $word tasks would read 0 before any writes (result 1). With the lock, the
  whole read–await–write sequence of one task completes before the next task may read, so no
  update is lost: $n.
  """, [{"n": 5}, {"n": 3}, {"n": 7}, {"n": 8}], lambda p: {"word": WORDS[p["n"]]})

VARY("semaphore-limit", """
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
      sem = asyncio.Semaphore($k)
      results = await asyncio.gather(*(job(sem, i) for i in range($n)))
      print(results, "peak:", peak)

  asyncio.run(main())
  """, """
  `Semaphore($k)` lets at most $kword tasks inside `async with sem` at once; the others wait their
  turn. All $nword jobs still complete, gather keeps argument order, and the peak number of jobs
  inside the block is $k.
  """, [{"k": 2, "n": 5}, {"k": 3, "n": 6}, {"k": 2, "n": 4}, {"k": 3, "n": 5}],
     lambda p: {"kword": WORDS[p["k"]], "nword": WORDS[p["n"]]})

VARY("nested-await-chain", """
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
      print(await middle($x))

  asyncio.run(main())
  """, """
  Awaiting a coroutine is like calling a function: `middle` is suspended while `inner` runs, and
  resumes with `inner`'s return value ($tens), adds 1 and returns $result to `main`.
  """, [{"x": 4}, {"x": 7}, {"x": 2}, {"x": 9}], lambda p: {"tens": 10 * p["x"], "result": 10 * p["x"] + 1})

VARY("async-gen-aclose", """
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
          if n == $stop:
              break
      print("after loop")
      await gen.aclose()
      print("end")

  asyncio.run(main())
  """, """
  `break` leaves the loop but does not finish the generator: it stays suspended at `yield $stop`, so
  its `finally` has not run at "after loop". `await gen.aclose()` throws `GeneratorExit` in at the
  `yield`, which runs the `finally` block. Closing explicitly (or with
  `contextlib.aclosing`) makes clean-up deterministic.
  """, [{"stop": 1}, {"stop": 2}, {"stop": 0}, {"stop": 3}])

VARY("async-polymorphism", """
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
      delay = $dog
      def sound(self):
          return "woof"

  class Cat(Animal):
      delay = $cat
      def sound(self):
          return "meow"

  async def main():
      print(await asyncio.gather(*(a.speak() for a in [$first(), $second()])))

  asyncio.run(main())
  """, """
  The inherited coroutine method uses each subclass's `delay` and `sound()`. Gathered, the two
  calls run concurrently: $order, but gather returns
  results in argument order.
  """, [{"dog": 0.1, "cat": 0.05, "first": "Dog", "second": "Cat"},
        {"dog": 0.05, "cat": 0.1, "first": "Dog", "second": "Cat"},
        {"dog": 0.15, "cat": 0.05, "first": "Cat", "second": "Dog"},
        {"dog": 0.05, "cat": 0.15, "first": "Cat", "second": "Dog"}],
     lambda p: {"order": " speaks before ".join(f"the {n} ({d} s)" for n, d in _by_delay(
         ("cat", p["cat"]), ("dog", p["dog"])))})

VARY("barrier-phases", """
  import asyncio

  async def worker(barrier, name, delay):
      await asyncio.sleep(delay)
      print(name, "arrives")
      index = await barrier.wait()
      print(name, "passes, index", index)

  async def main():
      barrier = asyncio.Barrier(3)
      await asyncio.gather(worker(barrier, "A", $a),
                           worker(barrier, "B", $b),
                           worker(barrier, "C", $c))
      print("waiting now:", barrier.n_waiting)

  asyncio.run(main())
  """, """
  `Barrier(3)` holds every task that calls `wait()` until the third one arrives. $first and $second block;
  $third, the third, releases the barrier and does not block at all, so it continues first, then $first
  and $second resume in the order they arrived. `wait()` returns each task's arrival index (0, 1, 2).
  After the release the barrier is empty and can be used again for the next round.
  """, [{"a": 0.03, "b": 0.01, "c": 0.02}, {"a": 0.01, "b": 0.02, "c": 0.03},
        {"a": 0.02, "b": 0.03, "c": 0.01}, {"a": 0.01, "b": 0.03, "c": 0.02}],
     lambda p: dict(zip(("first", "second", "third"),
                        (n for n, _ in _by_delay(("A", p["a"]), ("B", p["b"]), ("C", p["c"]))))))

VARY("await-without-suspend", """
  import asyncio

  async def check(i):
      return i                 # no await inside: never suspends

  async def ticker():
      print("tick")

  async def main():
      t = asyncio.create_task(ticker())
      for i in range($n):
          await check(i)
          print("checked", i)
      await asyncio.sleep(0)
      print("after sleep(0)")
      await t

  asyncio.run(main())
  """, """
  An `await` hands control to the loop only if the awaited operation actually has to wait.
  `check` contains no await of its own, so `await check(i)` runs it to the end like a plain call,
  and the ticker task, although ready, gets no turn. The first real suspension is
  `asyncio.sleep(0)`: the loop then runs the ticker, and `main` resumes after it. A long loop of
  such awaits (or of cache hits) is as blocking as a loop of plain calls.
  """, [{"n": 3}, {"n": 2}, {"n": 4}, {"n": 5}])

VARY("queue-await-no-suspend", """
  import asyncio

  async def producer(q):
      for i in range($n):
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
  """, """
  An `await` only gives control to other tasks if the awaited operation actually has to wait.
  `put` on an unbounded queue never waits, so the producer runs to the end in one go. Then the
  consumer runs; `get` on a non-empty queue does not wait either, so it drains all items at once.
  """, [{"n": 3}, {"n": 2}, {"n": 4}, {"n": 5}])
