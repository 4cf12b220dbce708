import asyncio


class Cache:
    def __init__(self, fetch):
        self.fetch = fetch

    async def get(self, item):
        ...
