import asyncio


async def crawl(fetch, root):
    reached = set()

    async def visit(page):
        reached.add(page)
        links = await fetch(page)
        await asyncio.gather(*(visit(link) for link in links))

    await visit(root)
    return sorted(reached)
