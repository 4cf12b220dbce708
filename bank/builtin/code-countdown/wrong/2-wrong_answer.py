import asyncio

class Countdown:
    def __init__(self, n, interval):
        self.n, self.interval = n, interval

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self.n < 0:
            raise StopAsyncIteration
        await asyncio.sleep(self.interval)
        self.n -= 1
        return self.n + 1
