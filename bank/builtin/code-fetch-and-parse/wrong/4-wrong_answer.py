import asyncio


async def fetch_and_parse(fetch, parse, items):
    async def one(item):
        raw = await fetch(item)
        return asyncio.to_thread(parse, raw)

    return list(await asyncio.gather(*(one(item) for item in items)))
