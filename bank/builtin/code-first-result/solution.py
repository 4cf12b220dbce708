import asyncio


async def first_result(fetch, items):
    tasks = [asyncio.create_task(fetch(item)) for item in items]
    try:
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        return done.pop().result()
    finally:
        for t in tasks:
            t.cancel()
