import asyncio, time

async def first_result(fetch, items):
    tasks = [asyncio.create_task(fetch(i)) for i in items]
    while not any(t.done() for t in tasks):
        time.sleep(0.05)
    for t in tasks:
        t.cancel()
    return next(t.result() for t in tasks if t.done())
