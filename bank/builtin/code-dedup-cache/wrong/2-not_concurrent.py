import asyncio

class Cache:
    def __init__(self, fetch):
        self.fetch = fetch
        self.values = {}
        self.lock = asyncio.Lock()

    async def get(self, item):
        async with self.lock:
            if item not in self.values:
                self.values[item] = await self.fetch(item)
            return self.values[item]
