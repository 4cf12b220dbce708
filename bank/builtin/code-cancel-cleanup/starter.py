import asyncio


async def run_queries(connect, queries):
    conn = await connect()
    ...
