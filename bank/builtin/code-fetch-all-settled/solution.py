import asyncio


async def fetch_all_settled(fetch, items):
    return list(await asyncio.gather(*(fetch(item) for item in items), return_exceptions=True))
