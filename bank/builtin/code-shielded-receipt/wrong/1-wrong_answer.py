import asyncio


async def checkout(charge, save_receipt, order):
    await charge(order)
    return await save_receipt(order)
