import asyncio

async def fetch_all(fetch, items):
    results = []
    for fut in asyncio.as_completed([fetch(i) for i in items]):
        results.append(await fut)
    return results
