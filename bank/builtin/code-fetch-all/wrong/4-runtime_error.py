import asyncio

async def fetch_all(fetch, items):
    tasks = [asyncio.ensure_future(fetch(i)) for i in items]
    await asyncio.wait(tasks)
    return [t.result() for t in tasks]
