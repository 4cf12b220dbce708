import asyncio

async def fetch_or_default(fetch, item, timeout, default)
    return await asyncio.wait_for(fetch(item), timeout)
