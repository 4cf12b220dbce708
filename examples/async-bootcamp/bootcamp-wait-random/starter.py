#!/usr/bin/env python3
"""Basic async syntax."""
import asyncio
import random


async def wait_random(max_delay: int = 10) -> float:
    ...
