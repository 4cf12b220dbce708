import asyncio


async def fetch_all_or_fail(fetch, items):
    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(fetch(item)) for item in items]
    except ExceptionGroup as group:
        raise group.exceptions[0] from None
    return [t.result() for t in tasks]
