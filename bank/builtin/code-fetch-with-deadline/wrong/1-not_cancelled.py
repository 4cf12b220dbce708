import asyncio

async def fetch_all_within(fetch, items, seconds):
    if not items:
        return []
    tasks = [asyncio.ensure_future(fetch(i)) for i in items]
    done, pending = await asyncio.wait(tasks, timeout=seconds)
    if pending:
        raise TimeoutError
    return [t.result() for t in tasks]
