import asyncio


async def fetch_or_default(fetch, item, timeout, default):
    try:
        return await asyncio.wait_for(fetch(item), timeout)
    except TimeoutError:
        return default
