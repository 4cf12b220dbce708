import asyncio


def lookup(loop, fetch, item):
    return asyncio.run_coroutine_threadsafe(fetch(item), loop)
