import asyncio

async def retry(op, attempts, base_delay):
    for k in range(attempts):
        try:
            return await op()
        except Exception:
            await asyncio.sleep(base_delay * 2 ** k)
