import asyncio

async def first_result(fetch, items):
    tasks = [asyncio.create_task(fetch(i)) for i in items]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    return done.pop().result()
