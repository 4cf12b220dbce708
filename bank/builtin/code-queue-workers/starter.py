import asyncio


async def consume(queue, fetch, workers):
    ...
