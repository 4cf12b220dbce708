import asyncio

class Timer:
    async def __aenter__(self):
        self.start = asyncio.get_running_loop().time()

    async def __aexit__(self, *exc):
        self.elapsed = asyncio.get_running_loop().time() - self.start
