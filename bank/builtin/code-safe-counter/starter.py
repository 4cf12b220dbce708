import asyncio


class SafeCounter:
    def __init__(self, store):
        self.store = store

    async def increment(self):
        ...
