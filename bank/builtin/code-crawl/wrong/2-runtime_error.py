import asyncio


async def crawl(fetch, root, seen=None):
    seen = {root} if seen is None else seen
    links = await fetch(root)
    new = [link for link in links if link not in seen]
    seen.update(new)
    for link in new:
        asyncio.run(crawl(fetch, link, seen))
    return sorted(seen)
