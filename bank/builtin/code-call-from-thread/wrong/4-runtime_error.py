import asyncio


def lookup(loop, fetch, item):
    task = loop.create_task(fetch(item))
    return task.result()
