import asyncio


def lookup(loop, fetch, item):
    # hand the coroutine to the loop's thread, safely; block this worker thread until it is done
    future = asyncio.run_coroutine_threadsafe(fetch(item), loop)
    return future.result()
