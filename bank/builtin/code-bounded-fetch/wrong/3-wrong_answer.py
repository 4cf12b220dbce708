import asyncio

async def bounded_fetch(fetch, items, limit):
    return await asyncio.gather(*(fetch(i) for i in items))
