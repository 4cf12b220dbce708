import asyncio


async def run_jobs(jobs):
    return [job() for job in jobs]
