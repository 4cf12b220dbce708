import asyncio
import importlib
wait_random = importlib.import_module('0-basic_async_syntax').wait_random


def task_wait_random(max_delay: int) -> asyncio.Task:
    """ doc """
    loop = asyncio.get_event_loop()
    return loop.create_task(wait_random(max_delay))
