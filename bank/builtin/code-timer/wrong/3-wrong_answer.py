import asyncio

class Timer:
    async def __aenter__(self):
        self.start = asyncio.get_running_loop().time()
        return self

    async def __aexit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.elapsed = asyncio.get_running_loop().time() - self.start
