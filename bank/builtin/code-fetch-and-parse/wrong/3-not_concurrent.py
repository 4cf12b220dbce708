import asyncio


async def fetch_and_parse(fetch, parse, items):
    pages = []
    for item in items:
        raw = await fetch(item)
        pages.append(await asyncio.to_thread(parse, raw))
    return pages
