import asyncio

async def fetch_all_settled(fetch, items):
    res = await asyncio.gather(*(fetch(i) for i in items), return_exceptions=True)
    return [str(r) if isinstance(r, Exception) else r for r in res]
