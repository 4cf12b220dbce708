import asyncio


async def fetch_all_settled(fetch, items):
    ...
