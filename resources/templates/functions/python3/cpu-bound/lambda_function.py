def lambda_handler(event, context):
    n = int(event.get("n", 25)) if isinstance(event, dict) else 25

    def fib(k):
        return k if k < 2 else fib(k - 1) + fib(k - 2)

    return {"n": n, "fib": fib(n)}
