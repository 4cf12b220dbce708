import asyncio


async def run_jobs(jobs):
    coros = [job() for job in jobs]      # "they are all running now"
    results = []
    for c in coros:
        results.append(await c)
    return results
