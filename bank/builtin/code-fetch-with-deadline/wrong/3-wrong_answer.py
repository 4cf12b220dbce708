import asyncio

async def fetch_all_within(fetch, items, seconds):
    try:
        async with asyncio.timeout(seconds):
            return await asyncio.gather(*(fetch(i) for i in items))
    except TimeoutError:
        return None
