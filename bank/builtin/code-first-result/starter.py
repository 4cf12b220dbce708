import asyncio


async def first_result(fetch, items):
    ...
