import asyncio
import time
wait_n = __import__('1-concurrent_coroutines').wait_n


def measure_time(n: int, max_delay: int) -> float:
    start = time.time()
    coro = wait_n(n, max_delay)
    total = time.time() - start
    asyncio.run(coro)
    return total / n
