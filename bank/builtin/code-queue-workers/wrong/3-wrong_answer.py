import asyncio

async def consume(queue, fetch, workers):
    items = []
    while (item := await queue.get()) is not None:
        items.append(item)
    results = {}
    async def worker():
        for i in items:
            results[i] = await fetch(i)
    await asyncio.gather(*(worker() for _ in range(workers)))
    return results
