class Cache:
    def __init__(self, fetch):
        self.fetch = fetch

    async def get(self, item):
        return await self.fetch(item)
