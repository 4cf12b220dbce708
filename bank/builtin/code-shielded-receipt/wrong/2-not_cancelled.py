import asyncio


async def checkout(charge, save_receipt, order):
    await charge(order)
    saving = asyncio.ensure_future(save_receipt(order))
    try:
        return await asyncio.shield(saving)
    except asyncio.CancelledError:
        return await saving
