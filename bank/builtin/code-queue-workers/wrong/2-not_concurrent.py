async def consume(queue, fetch, workers):
    results = {}
    while True:
        item = await queue.get()
        if item is None:
            return results
        results[item] = await fetch(item)
