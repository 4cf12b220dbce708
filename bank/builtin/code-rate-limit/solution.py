import asyncio


async def fetch_limited(fetch, items, rate):
    async def one(k, item):
        # item k starts in second k // rate: `rate` starts at 0 s, the next `rate` at 1 s, ...; any window of one
        # second then holds the starts of at most one of these instants
        await asyncio.sleep(k // rate)
        return await fetch(item)

    return await asyncio.gather(*(one(k, item) for k, item in enumerate(items)))
