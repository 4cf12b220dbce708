import asyncio


class Booking:
    def __init__(self, charge):
        self.charge = charge

    async def book(self, seat, customer):
        ...
