import asyncio

async def fetch_all_settled(fetch, items):
    return await asyncio.gather(*(fetch(i) for i in items))
