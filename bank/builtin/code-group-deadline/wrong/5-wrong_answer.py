import asyncio


async def fetch_within(fetch, items, budget):
    tasks = {asyncio.create_task(fetch(item)): item for item in items}
    if not tasks:
        return {}
    done, pending = await asyncio.wait(tasks, timeout=budget)
    for t in pending:
        t.cancel()
    return {item: (t.result() if t in done else None) for t, item in tasks.items()}
