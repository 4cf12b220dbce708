#!/usr/bin/env python3
""" module doc """
from asyncio import sleep
from random import random
from typing import Union


async def wait_random(max_delay: int = 10) -> Union[int, float]:
    """ coroutine doc """
    n = random() * max_delay
    await sleep(n)
    return n
