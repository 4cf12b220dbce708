import asyncio


async def fetch_within(fetch, items, budget):
    ...
