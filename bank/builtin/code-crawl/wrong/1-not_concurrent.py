import asyncio


async def crawl(fetch, root):
    seen = {root}

    async def visit(page):
        for link in await fetch(page):
            if link not in seen:
                seen.add(link)
                await visit(link)

    await visit(root)
    return sorted(seen)
