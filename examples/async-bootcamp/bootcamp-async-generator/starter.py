#!/usr/bin/env python3
"""Async generator."""
import asyncio
import random
from typing import Generator


async def async_generator() -> Generator[float, None, None]:
    ...
