import asyncio


async def run_queries(connect, queries):
    conn = await connect()
    answers = []
    try:
        for q in queries:
            answers.append(await conn.query(q))
    except asyncio.CancelledError:
        await conn.close()
        return answers
    await conn.close()
    return answers
