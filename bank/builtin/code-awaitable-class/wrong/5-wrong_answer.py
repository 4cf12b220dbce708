import asyncio


class AllOf:
    def __init__(self, fetch, items):
        self.fetch = fetch
        self.items = items

    async def _run(self):
        return asyncio.gather(*(self.fetch(item) for item in self.items))

    def __await__(self):
        return self._run().__await__()
