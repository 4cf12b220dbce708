import asyncio
from contextlib import aclosing


async def first_n(source, n):
    ...
