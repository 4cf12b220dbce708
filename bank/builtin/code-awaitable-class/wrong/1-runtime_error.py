import asyncio


class AllOf:
    def __init__(self, fetch, items):
        self.fetch = fetch
        self.items = items

    async def __await__(self):
        return list(await asyncio.gather(*(self.fetch(item) for item in self.items)))
