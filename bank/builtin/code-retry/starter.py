import asyncio


async def retry(op, attempts, base_delay):
    ...
