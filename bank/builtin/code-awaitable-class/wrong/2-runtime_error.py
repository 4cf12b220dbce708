import asyncio


class AllOf:
    def __init__(self, fetch, items):
        self.fetch = fetch
        self.items = items

    def __await__(self):
        return asyncio.gather(*(self.fetch(item) for item in self.items))
