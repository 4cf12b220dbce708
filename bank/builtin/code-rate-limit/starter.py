import asyncio


async def fetch_limited(fetch, items, rate):
    ...
