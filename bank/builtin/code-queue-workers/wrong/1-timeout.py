import asyncio

async def consume(queue, fetch, workers):
    results = {}

    async def worker():
        while True:
            item = await queue.get()
            if item is None:
                return
            results[item] = await fetch(item)

    await asyncio.gather(*(worker() for _ in range(workers)))
    return results
