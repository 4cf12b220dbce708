import asyncio


async def fetch_all(fetch, items):
    return list(await asyncio.gather(*(fetch(item) for item in items)))
