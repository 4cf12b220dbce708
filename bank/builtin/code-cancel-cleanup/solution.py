import asyncio


async def run_queries(connect, queries):
    conn = await connect()
    try:
        answers = []
        for q in queries:
            answers.append(await conn.query(q))
        return answers
    finally:
        await conn.close()      # runs on success, on an error and on cancellation; the exception then goes on
