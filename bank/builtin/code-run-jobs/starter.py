import asyncio


async def run_jobs(jobs):
    ...
