import asyncio


async def pipeline(items, fetch, workers):
    queue = asyncio.Queue()
    results = {}
    ...
