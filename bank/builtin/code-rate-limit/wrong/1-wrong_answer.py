import asyncio


async def fetch_limited(fetch, items, rate):
    sem = asyncio.Semaphore(rate)

    async def one(item):
        async with sem:
            return await fetch(item)

    return await asyncio.gather(*(one(item) for item in items))
