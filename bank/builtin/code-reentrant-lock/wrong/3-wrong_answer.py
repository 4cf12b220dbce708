import asyncio
import threading


class Ledger:
    def __init__(self, save):
        self.save = save
        self.total = 0
        self.lock = threading.RLock()

    async def add(self, amount):
        with self.lock:
            new = self.total + amount
            await self.save(new)
            self.total = new
            return new

    async def add_many(self, amounts):
        with self.lock:
            for amount in amounts:
                await self.add(amount)
            return self.total
