import asyncio
from typing import List
task_wait_random = __import__('3-tasks').task_wait_random
import time


async def task_wait_n(n: int, max_delay: int) -> List[float]:
    delays = []
    tasks = [asyncio.ensure_future(task_wait_random(max_delay)) for _ in range(n)]
    for t in tasks:
        t.add_done_callback(lambda t: delays.append(t.result()))
    time.sleep(max_delay)
    return delays
