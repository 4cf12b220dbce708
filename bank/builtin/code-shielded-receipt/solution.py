import asyncio


async def checkout(charge, save_receipt, order):
    await charge(order)                                   # may be cancelled: nothing paid yet
    saving = asyncio.ensure_future(save_receipt(order))   # a task of its own, which our cancellation cannot reach
    try:
        return await asyncio.shield(saving)
    except asyncio.CancelledError:
        await saving                                      # the customer paid: finish the receipt first
        raise                                             # then let the cancellation go on
