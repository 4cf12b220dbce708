class SafeCounter:
    def __init__(self, store):
        self.store = store

    async def increment(self):
        value = await self.store.get()
        await self.store.set(value + 1)
