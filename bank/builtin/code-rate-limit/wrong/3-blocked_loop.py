import asyncio
import time


async def fetch_limited(fetch, items, rate):
    tasks = []
    for k, item in enumerate(items):
        if k and k % rate == 0:
            time.sleep(1)
        tasks.append(asyncio.create_task(fetch(item)))
    return await asyncio.gather(*tasks)
