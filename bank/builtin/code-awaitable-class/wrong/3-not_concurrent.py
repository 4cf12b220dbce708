import asyncio


class AllOf:
    def __init__(self, fetch, items):
        self.fetch = fetch
        self.items = items

    def __await__(self):
        results = []
        for item in self.items:
            results.append((yield from self.fetch(item).__await__()))
        return results
