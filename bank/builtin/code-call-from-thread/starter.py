import asyncio


def lookup(loop, fetch, item):
    ...
