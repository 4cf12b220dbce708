import asyncio


async def fetch_limited(fetch, items, rate):
    results = []
    for item in items:
        results.append(await fetch(item))
        await asyncio.sleep(1 / rate)
    return results
