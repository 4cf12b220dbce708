async def fetch_all(fetch, items):
    results = []
    for item in items:
        results.append(await fetch(item))
    return results
