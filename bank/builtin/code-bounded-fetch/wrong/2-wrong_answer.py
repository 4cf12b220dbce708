import asyncio

async def bounded_fetch(fetch, items, limit):
    sem = asyncio.Semaphore(limit + 1)
    async def one(item):
        async with sem:
            return await fetch(item)
    return await asyncio.gather(*(one(i) for i in items))
