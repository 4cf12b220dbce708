#!/usr/bin/env python3
""" doc """
import asyncio
from typing import List
wait_random = __import__('0-basic_async_syntax').wait_random


async def wait_n(n: int, max_delay: int) -> List[float]:
    """ doc """
    delays: List[float] = []
    tasks = []
    for _ in range(n):
        t = asyncio.create_task(wait_random(max_delay))
        t.add_done_callback(lambda t: delays.append(t.result()))
        tasks.append(t)
    await asyncio.gather(*tasks)
    return delays
