#!/usr/bin/env python3
"""Concurrent coroutines."""
import asyncio
from typing import List

wait_random = __import__('0-basic_async_syntax').wait_random


async def wait_n(n: int, max_delay: int) -> List[float]:
    """Run wait_random n times at once; return the delays in the order they finished."""
    delays = []
    for done in asyncio.as_completed([wait_random(max_delay) for _ in range(n)]):
        delays.append(await done)
    return delays
