import asyncio


async def fetch_all_or_fail(fetch, items):
    ...
