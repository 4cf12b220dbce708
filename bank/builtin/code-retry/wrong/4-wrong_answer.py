import asyncio

async def retry(op, attempts, base_delay):
    for k in range(attempts + 1):
        try:
            return await op()
        except Exception:
            if k == attempts:
                raise
            await asyncio.sleep(base_delay * 2 ** k)
