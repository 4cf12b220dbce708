import asyncio


async def crawl(fetch, root):
    ...
