import asyncio


async def pipeline(items, fetch, workers):
    queue = asyncio.Queue()
    results = {}

    async def consumer():
        while True:
            item = await queue.get()
            try:
                results[item] = await fetch(item)
            except Exception:
                pass                        # a failed item is left out; the consumer goes on
            finally:
                queue.task_done()           # after the work, whatever happened

    tasks = [asyncio.create_task(consumer()) for _ in range(workers)]
    for item in items:
        queue.put_nowait(item)
    await queue.join()                      # every item taken and marked done
    for t in tasks:
        t.cancel()                          # the consumers wait on get() forever otherwise
    await asyncio.gather(*tasks, return_exceptions=True)
    return results
