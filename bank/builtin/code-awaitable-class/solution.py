import asyncio


class AllOf:
    def __init__(self, fetch, items):
        self.fetch = fetch
        self.items = items

    async def _run(self):
        return list(await asyncio.gather(*(self.fetch(item) for item in self.items)))

    def __await__(self):
        # __await__ must return an iterator: a coroutine object's own __await__() is one
        return self._run().__await__()
