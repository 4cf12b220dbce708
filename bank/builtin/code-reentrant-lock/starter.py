import asyncio


class Ledger:
    def __init__(self, save):
        self.save = save
        self.total = 0
        self.lock = asyncio.Lock()

    async def add(self, amount):
        ...

    async def add_many(self, amounts):
        ...
