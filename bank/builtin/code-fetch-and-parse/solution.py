import asyncio


async def fetch_and_parse(fetch, parse, items):
    async def one(item):
        raw = await fetch(item)                       # async library: await it on the loop
        return await asyncio.to_thread(parse, raw)    # blocking library: in a worker thread

    return list(await asyncio.gather(*(one(item) for item in items)))
