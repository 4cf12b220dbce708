import asyncio


async def run_queries(connect, queries):
    conn = await connect()
    answers = []
    try:
        for q in queries:
            try:
                answers.append(await conn.query(q))
            except asyncio.CancelledError:
                answers.append(None)        # "skip the interrupted query"
        return answers
    finally:
        await conn.close()
