import asyncio


async def checkout(charge, save_receipt, order):
    ...
