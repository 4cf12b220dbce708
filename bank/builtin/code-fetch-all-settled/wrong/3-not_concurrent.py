async def fetch_all_settled(fetch, items):
    out = []
    for i in items:
        try:
            out.append(await fetch(i))
        except Exception as e:
            out.append(e)
    return out
