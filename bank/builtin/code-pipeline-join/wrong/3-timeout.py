import asyncio


async def pipeline(items, fetch, workers):
    queue = asyncio.Queue()
    results = {}

    async def consumer():
        while True:
            item = await queue.get()
            results[item] = await fetch(item)
            queue.task_done()

    tasks = [asyncio.create_task(consumer()) for _ in range(workers)]
    for item in items:
        queue.put_nowait(item)
    await queue.join()
    for t in tasks:
        t.cancel()
    return results
