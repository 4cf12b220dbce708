import asyncio


async def bounded_fetch(fetch, items, limit):
    sem = asyncio.Semaphore(limit)

    async def one(item):
        async with sem:
            return await fetch(item)

    return list(await asyncio.gather(*(one(item) for item in items)))
