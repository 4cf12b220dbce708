import time

async def retry(op, attempts, base_delay):
    for k in range(attempts):
        try:
            return await op()
        except Exception:
            if k == attempts - 1:
                raise
            time.sleep(base_delay * 2 ** k)
