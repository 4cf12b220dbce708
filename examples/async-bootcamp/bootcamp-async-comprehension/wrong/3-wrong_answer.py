import asyncio
async_generator = __import__('0-async_generator').async_generator


async def async_comprehension():
    values = [i async for i in async_generator()]
    await asyncio.sleep(1)
    return values
