import asyncio


class Timer:
    async def __aenter__(self):
        ...

    async def __aexit__(self, exc_type, exc, tb):
        ...
