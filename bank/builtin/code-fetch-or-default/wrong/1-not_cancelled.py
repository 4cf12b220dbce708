import asyncio

async def fetch_or_default(fetch, item, timeout, default):
    task = asyncio.ensure_future(fetch(item))
    done, pending = await asyncio.wait([task], timeout=timeout)
    return task.result() if done else default
