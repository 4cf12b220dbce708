import asyncio
import random


async def async_generator():
    for _ in range(10):
        yield random.uniform(0, 10)
        await asyncio.sleep(1)
