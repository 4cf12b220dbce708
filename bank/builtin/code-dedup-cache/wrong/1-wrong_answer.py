class Cache:
    def __init__(self, fetch):
        self.fetch = fetch
        self.values = {}

    async def get(self, item):
        if item not in self.values:
            self.values[item] = await self.fetch(item)
        return self.values[item]
