import asyncio, time

async def fetch_all(fetch, items):
    tasks = [asyncio.ensure_future(fetch(i)) for i in items]
    time.sleep(0.3)
    return [await t for t in tasks]
