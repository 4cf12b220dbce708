import asyncio


class Countdown:
    def __init__(self, n, interval):
        self.n = n
        self.interval = interval

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self.n <= 0:
            raise StopAsyncIteration
        await asyncio.sleep(self.interval)
        value = self.n
        self.n -= 1
        return value
