import threading

class SafeCounter:
    def __init__(self, store):
        self.store = store
        self.lock = threading.Lock()

    async def increment(self):
        with self.lock:
            value = await self.store.get()
            await self.store.set(value + 1)
