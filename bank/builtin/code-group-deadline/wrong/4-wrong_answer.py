import asyncio


async def fetch_within(fetch, items, budget):
    tasks = {asyncio.create_task(fetch(item)): item for item in items}
    await asyncio.sleep(budget)
    results = {}
    for t, item in tasks.items():
        if t.done():
            results[item] = t.result()
        else:
            t.cancel()
    return results
