import asyncio


async def ticker(n, interval):
    ...
