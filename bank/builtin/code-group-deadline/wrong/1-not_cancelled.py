import asyncio


async def fetch_within(fetch, items, budget):
    tasks = {asyncio.create_task(fetch(item)): item for item in items}
    if not tasks:
        return {}
    done, pending = await asyncio.wait(tasks, timeout=budget)
    return {tasks[t]: t.result() for t in done}
