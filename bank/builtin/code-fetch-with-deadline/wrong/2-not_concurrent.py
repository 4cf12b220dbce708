import asyncio

async def fetch_all_within(fetch, items, seconds):
    return [await asyncio.wait_for(fetch(i), seconds) for i in items]
