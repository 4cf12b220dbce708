import asyncio


async def fetch_or_default(fetch, item, timeout, default):
    ...
