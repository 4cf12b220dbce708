import asyncio


async def crawl(fetch, root):
    seen = {root}

    async def visit(page):
        links = await fetch(page)
        new = [link for link in links if link not in seen]
        seen.update(new)                     # marked before any await: no other visit can fetch them again
        await asyncio.gather(*(visit(link) for link in new))

    await visit(root)
    return sorted(seen)
