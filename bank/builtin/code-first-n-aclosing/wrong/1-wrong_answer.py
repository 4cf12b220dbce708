import asyncio


async def first_n(source, n):
    values = []
    async for value in source():
        values.append(value)
        if len(values) == n:
            break
    return values
