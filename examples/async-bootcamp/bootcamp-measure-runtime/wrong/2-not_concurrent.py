import time
async_comprehension = __import__('1-async_comprehension').async_comprehension


async def measure_runtime() -> float:
    start = time.perf_counter()
    for _ in range(4):
        await async_comprehension()
    return time.perf_counter() - start
