import asyncio


def lookup(loop, fetch, item):
    return fetch(item)
