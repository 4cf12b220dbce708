#!/usr/bin/env python3
""" doc """
import asyncio
from time import time
wait_n = __import__('1-concurrent_coroutines').wait_n


def measure_time(n: int, max_delay: int) -> float:
    """ doc """
    s = time()
    asyncio.get_event_loop().run_until_complete(wait_n(n, max_delay))
    return (time() - s) / n
