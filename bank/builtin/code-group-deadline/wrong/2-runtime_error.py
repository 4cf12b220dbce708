import asyncio


async def fetch_within(fetch, items, budget):
    results = await asyncio.wait_for(asyncio.gather(*(fetch(item) for item in items)), budget)
    return dict(zip(items, results))
