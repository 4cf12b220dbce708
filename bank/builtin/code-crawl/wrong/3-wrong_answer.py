import asyncio


async def crawl(fetch, root):
    seen = set()

    async def visit(page):
        links = await fetch(page)
        seen.add(page)
        await asyncio.gather(*(visit(link) for link in links if link not in seen))

    await visit(root)
    return sorted(seen)
