import asyncio


class Countdown:
    def __init__(self, n, interval):
        ...

    def __aiter__(self):
        ...

    async def __anext__(self):
        ...
