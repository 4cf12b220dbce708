import asyncio

async def fetch_all_or_fail(fetch, items):
    return await asyncio.gather(*(fetch(i) for i in items))
