import asyncio


class Timer:
    def __init__(self):
        self.elapsed = None

    async def __aenter__(self):
        self.start = asyncio.get_running_loop().time()
        return self

    async def __aexit__(self, exc_type, exc, tb):
        self.elapsed = asyncio.get_running_loop().time() - self.start
        return False
