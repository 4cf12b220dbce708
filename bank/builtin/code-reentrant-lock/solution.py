import asyncio


class Ledger:
    def __init__(self, save):
        self.save = save
        self.total = 0
        self.lock = asyncio.Lock()

    async def _add(self, amount):
        # the caller holds self.lock
        self.total += amount
        await self.save(self.total)
        return self.total

    async def add(self, amount):
        async with self.lock:
            return await self._add(amount)

    async def add_many(self, amounts):
        async with self.lock:
            for amount in amounts:
                await self._add(amount)
            return self.total
