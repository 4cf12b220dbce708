import asyncio


async def fetch_and_parse(fetch, parse, items):
    raws = await asyncio.gather(*(fetch(item) for item in items))
    return [parse(raw) for raw in raws]
