import asyncio


async def run_jobs(jobs):
    return list(await asyncio.gather(*jobs))
