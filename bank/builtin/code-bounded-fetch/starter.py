import asyncio


async def bounded_fetch(fetch, items, limit):
    ...
