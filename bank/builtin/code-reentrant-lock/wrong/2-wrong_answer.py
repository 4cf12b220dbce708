import asyncio


class Ledger:
    def __init__(self, save):
        self.save = save
        self.total = 0
        self.lock = asyncio.Lock()

    async def add(self, amount):
        new = self.total + amount
        await self.save(new)
        self.total = new
        return new

    async def add_many(self, amounts):
        for amount in amounts:
            await self.add(amount)
        return self.total
