import asyncio


class AllOf:
    def __init__(self, fetch, items):
        self.fetch = fetch
        self.items = items

    def __await__(self):
        results = yield from asyncio.gather(*(self.fetch(item) for item in self.items))
        yield list(results)
