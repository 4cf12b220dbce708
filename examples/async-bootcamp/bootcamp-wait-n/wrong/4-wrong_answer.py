import asyncio
from typing import List
wait_random = __import__('0-basic_async_syntax').wait_random


async def wait_n(n: int, max_delay: int) -> List[float]:
    delays = []
    tasks = [asyncio.ensure_future(wait_random(max_delay)) for _ in range(n)]
    for t in tasks:
        t.add_done_callback(lambda t: delays.append(t.result()))
    await asyncio.sleep(max_delay)
    return delays
