import asyncio

async def bounded_fetch(fetch, items, limit):
    results = []
    for k in range(0, len(items), limit):
        results += await asyncio.gather(*(fetch(i) for i in items[k:k + limit]))
    return results
