class Managed:
    def __init__(self, connect):
        self.connect = connect

    async def __aenter__(self):
        self.conn = await self.connect()
        return self.conn

    async def __aexit__(self, exc_type, exc, tb):
        if exc_type is None:
            await self.conn.close()
