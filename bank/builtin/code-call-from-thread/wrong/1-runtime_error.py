import asyncio


def lookup(loop, fetch, item):
    return loop.run_until_complete(fetch(item))
