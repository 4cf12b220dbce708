import asyncio


async def consume(queue, fetch, workers):
    results = {}

    async def worker():
        while True:
            item = await queue.get()
            if item is None:
                await queue.put(None)    # let the other workers see the end too
                return
            results[item] = await fetch(item)

    await asyncio.gather(*(worker() for _ in range(workers)))
    return results
