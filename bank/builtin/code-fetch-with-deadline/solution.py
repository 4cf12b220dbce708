import asyncio


async def fetch_all_within(fetch, items, seconds):
    async with asyncio.timeout(seconds):
        return list(await asyncio.gather(*(fetch(item) for item in items)))
