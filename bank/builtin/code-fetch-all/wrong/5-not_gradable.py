def fetch_all(fetch, items):
    return [fetch(i) for i in items]
