import asyncio

async def ticker(n, interval):
    for i in range(n + 1):
        await asyncio.sleep(interval)
        yield i
