import asyncio


class Fetcher:
    def __init__(self, fetch):
        self.fetch = fetch

    async def fetch_all(self, items):
        return await asyncio.gather(*(self.fetch_one(item) for item in items))

    async def fetch_one(self, item):
        return await self.fetch(item)


class FallbackFetcher(Fetcher):
    def __init__(self, fetch, backup):
        super().__init__(fetch)
        self.backup = backup

    async def fetch_one(self, item):
        try:
            return super().fetch_one(item)
        except Exception:
            return await self.backup(item)
