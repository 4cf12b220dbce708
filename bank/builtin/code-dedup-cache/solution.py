import asyncio


class Cache:
    def __init__(self, fetch):
        self.fetch = fetch
        self.tasks = {}

    async def get(self, item):
        if item not in self.tasks:
            self.tasks[item] = asyncio.ensure_future(self.fetch(item))
        return await self.tasks[item]
