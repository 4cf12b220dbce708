import asyncio

class SafeCounter:
    def __init__(self, store):
        self.store = store

    async def increment(self):
        async with asyncio.Lock():
            value = await self.store.get()
            await self.store.set(value + 1)
