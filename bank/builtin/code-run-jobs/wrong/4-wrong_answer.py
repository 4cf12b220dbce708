import asyncio


async def run_jobs(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    await asyncio.wait(tasks) if tasks else None
    return [await job() for job in jobs]
