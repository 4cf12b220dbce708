import asyncio

class SafeCounter:
    lock = None

    def __init__(self, store):
        self.store = store
        if SafeCounter.lock is None or SafeCounter.lock._loop not in (None, asyncio.get_running_loop()):
            SafeCounter.lock = asyncio.Lock()

    async def increment(self):
        async with SafeCounter.lock:
            value = await self.store.get()
            await self.store.set(value + 1)
