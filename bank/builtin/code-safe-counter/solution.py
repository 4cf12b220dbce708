import asyncio


class SafeCounter:
    def __init__(self, store):
        self.store = store
        self.lock = asyncio.Lock()

    async def increment(self):
        async with self.lock:
            value = await self.store.get()
            await self.store.set(value + 1)
