import asyncio


async def fetch_all_within(fetch, items, seconds):
    ...
