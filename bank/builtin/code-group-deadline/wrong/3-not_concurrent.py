import asyncio


async def fetch_within(fetch, items, budget):
    results = {}
    for item in items:
        try:
            results[item] = await asyncio.wait_for(fetch(item), budget)
        except asyncio.TimeoutError:
            pass
    return results
