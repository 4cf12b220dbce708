async def run_blocking(func, *args):
    return func(*args)
