import asyncio


async def checkout(charge, save_receipt, order):
    await charge(order)
    return await asyncio.shield(save_receipt(order))
