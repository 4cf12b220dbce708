import asyncio


class Booking:
    def __init__(self, charge):
        self.charge = charge
        self.taken = set()

    async def book(self, seat, customer):
        if seat in self.taken:
            return False
        self.taken.add(seat)        # no await between the check and the mark: no other task can run in between
        await self.charge(customer)
        return True
