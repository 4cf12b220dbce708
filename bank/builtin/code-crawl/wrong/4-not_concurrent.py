import asyncio


async def crawl(fetch, root):
    seen = {root}
    level = [root]
    while level:
        pages = await asyncio.gather(*(fetch(page) for page in level))
        level = []
        for links in pages:
            for link in links:
                if link not in seen:
                    seen.add(link)
                    level.append(link)
    return sorted(seen)
