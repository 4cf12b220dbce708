import asyncio


async def run_blocking(func, *args):
    ...
