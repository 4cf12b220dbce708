import asyncio
import random


async def wait_random(max_delay: int = 10) -> float:
    await asyncio.sleep(random.uniform(0, max_delay))
    return max_delay
