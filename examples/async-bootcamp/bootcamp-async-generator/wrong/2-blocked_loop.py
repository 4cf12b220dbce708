import random
import time


async def async_generator():
    for _ in range(10):
        time.sleep(1)
        yield random.uniform(0, 10)
