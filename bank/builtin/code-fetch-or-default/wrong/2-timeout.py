import asyncio

async def fetch_or_default(fetch, item, timeout, default):
    loop = asyncio.get_running_loop()
    start = loop.time()
    result = await fetch(item)
    return result if loop.time() - start <= timeout else default
