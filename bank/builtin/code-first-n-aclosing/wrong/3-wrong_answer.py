import asyncio


async def first_n(source, n):
    values = [value async for value in source()]
    return values[:n]
