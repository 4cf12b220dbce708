import asyncio


class Ledger:
    def __init__(self, save):
        self.save = save
        self.total = 0
        self.lock = asyncio.Lock()

    async def add(self, amount):
        async with self.lock:
            self.total += amount
            await self.save(self.total)
            return self.total

    async def add_many(self, amounts):
        for amount in amounts:
            await self.add(amount)
        return self.total
