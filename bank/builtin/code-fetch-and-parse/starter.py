import asyncio


async def fetch_and_parse(fetch, parse, items):
    ...
