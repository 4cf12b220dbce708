import asyncio

async def first_result(fetch, items):
    results = await asyncio.gather(*(fetch(i) for i in items))
    return results[0]
