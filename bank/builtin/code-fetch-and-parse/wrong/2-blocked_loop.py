import asyncio


async def fetch_and_parse(fetch, parse, items):
    loop = asyncio.get_running_loop()

    async def one(item):
        raw = await fetch(item)
        return await loop.run_in_executor(None, parse(raw))

    return list(await asyncio.gather(*(one(item) for item in items)))
