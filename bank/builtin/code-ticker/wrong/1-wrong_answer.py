import asyncio

async def ticker(n, interval):
    for i in range(n):
        yield i
        await asyncio.sleep(interval)
