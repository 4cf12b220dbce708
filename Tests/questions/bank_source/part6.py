from helpers import S, M, P, Q


def H(qid, *hints):
    """Hints for the question `qid` defined just above: 1 to 3, revealed one at a time (S, M and P take none)."""
    [q] = [q for q in Q if q["id"] == qid]
    q["hints"] = list(hints)


PO = "What does this program print?"

P("cancel-message", "cancellation-timeouts", "A cancellation message", 2, PO,
  r"""
  import asyncio

  async def worker():
      try:
          await asyncio.sleep(1)
      except asyncio.CancelledError as e:
          print("inside:", e.args)
          raise

  async def main():
      t = asyncio.create_task(worker())
      await asyncio.sleep(0.05)
      t.cancel("shutting down")
      try:
          await t
      except asyncio.CancelledError as e:
          print("outside:", e.args)
      print("cancelled:", t.cancelled())

  asyncio.run(main())
  """,
  """
  inside: ('shutting down',)
  outside: ('shutting down',)
  cancelled: True
  """,
  """
  `task.cancel(msg)` attaches a message to the `CancelledError` thrown into the task, which is
  handy in logs. Because the worker re-raises, the task ends cancelled, and the coroutine that
  awaits it receives a `CancelledError` carrying the same message.
  """)

S("wait-first-completed", "tasks", "`asyncio.wait` with FIRST_COMPLETED", 3,
  """
  ```python
  tasks = {asyncio.create_task(fetch(m)) for m in mirrors}
  done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
  ```
  Right after this line, what is true about the tasks in `pending`?
  """,
  [("They have been restarted so they can be awaited again", False,
    "Tasks are never restarted."),
   ("`pending` is always empty because `wait` waits for all tasks", False,
    "With `FIRST_COMPLETED` it returns as soon as at least one task is done."),
   ("They are still running; cancel them yourself if unneeded", True,
    "Right: `wait` only reports which tasks are done and which are not."),
   ("They have been cancelled by `asyncio.wait`", False,
    "`asyncio.wait` never cancels anything; that is your job.")],
  """
  `asyncio.wait` returns two sets, `done` and `pending`, when its condition is met; with
  `FIRST_COMPLETED` that is as soon as one task finishes. The pending tasks keep running. To
  implement "first result wins", take the result from `done` and cancel the rest.
  """,
  proof=(r"""
  import asyncio

  async def fetch(name, delay):
      await asyncio.sleep(delay)
      return name

  async def main():
      tasks = {asyncio.create_task(fetch(n, d)) for n, d in [("a", 0.1), ("b", 0.05), ("c", 0.15)]}
      done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
      print([t.result() for t in done], len(pending))
      print("pending cancelled?", any(t.cancelled() for t in pending))
      for t in pending:
          t.cancel()
      await asyncio.gather(*pending, return_exceptions=True)
      print("now cancelled:", all(t.cancelled() for t in pending))

  asyncio.run(main())
  """, """
  ['b'] 2
  pending cancelled? False
  now cancelled: True
  """))
H("wait-first-completed",
  "`asyncio.wait` only *reports* which tasks are done and which are not once its condition is met. "
  "Does it ever cancel or restart anything?")
