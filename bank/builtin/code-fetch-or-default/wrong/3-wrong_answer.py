import asyncio

async def fetch_or_default(fetch, item, timeout, default):
    task = asyncio.ensure_future(fetch(item))
    await asyncio.sleep(timeout)
    if task.done():
        return task.result()
    task.cancel()
    return default
