import asyncio


async def checkout(charge, save_receipt, order):
    async def whole():
        await charge(order)
        return await save_receipt(order)

    job = asyncio.ensure_future(whole())
    try:
        return await asyncio.shield(job)
    except asyncio.CancelledError:
        await job
        raise
