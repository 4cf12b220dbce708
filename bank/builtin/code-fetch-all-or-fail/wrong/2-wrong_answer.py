import asyncio

async def fetch_all_or_fail(fetch, items):
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(fetch(i)) for i in items]
    return [t.result() for t in tasks]
