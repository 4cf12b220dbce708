import asyncio


async def fetch_within(fetch, items, budget):
    tasks = {asyncio.create_task(fetch(item)): item for item in items}
    if not tasks:
        return {}
    done, pending = await asyncio.wait(tasks, timeout=budget)
    for t in pending:
        t.cancel()
    await asyncio.gather(*pending, return_exceptions=True)   # let the cancellations finish
    return {tasks[t]: t.result() for t in done}
