import asyncio


class Booking:
    def __init__(self, charge):
        self.charge = charge
        self.taken = set()

    async def book(self, seat, customer):
        if seat in self.taken:
            return False
        await self.charge(customer)
        self.taken.add(seat)
        return True
