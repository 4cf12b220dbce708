import asyncio
from contextlib import aclosing


async def first_n(source, n):
    values = []
    async with aclosing(source()) as gen:      # closes the generator (runs its finally) when the block ends
        async for value in gen:
            values.append(value)
            if len(values) == n:
                break
    return values
