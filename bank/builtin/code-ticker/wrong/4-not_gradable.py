import asyncio

async def ticker(n, interval):
    out = []
    for i in range(n):
        await asyncio.sleep(interval)
        out.append(i)
    return out
