import asyncio


async def first_n(source, n):
    gen = source()
    values = []
    try:
        async for value in gen:
            values.append(value)
            if len(values) == n:
                break
    finally:
        gen.aclose()
    return values
