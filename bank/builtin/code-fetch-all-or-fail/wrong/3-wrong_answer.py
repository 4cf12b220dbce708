import asyncio

async def fetch_all_or_fail(fetch, items):
    res = await asyncio.gather(*(fetch(i) for i in items), return_exceptions=True)
    for r in res:
        if isinstance(r, Exception):
            raise r
    return res
