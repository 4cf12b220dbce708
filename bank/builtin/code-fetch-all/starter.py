import asyncio


async def fetch_all(fetch, items):
    ...
