import time

async def ticker(n, interval):
    for i in range(n):
        time.sleep(interval)
        yield i
