import asyncio


async def fetch_limited(fetch, items, rate):
    results = []
    for k in range(0, len(items), rate):
        if k:
            await asyncio.sleep(1)
        results += await asyncio.gather(*(fetch(item) for item in items[k:k + rate]))
    return results
