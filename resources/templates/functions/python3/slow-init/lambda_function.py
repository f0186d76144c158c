import time

# Module-level work runs once per execution environment: the cold start pays it,
# warm invocations do not.
_started = time.time()
time.sleep(1.0)
CONFIG = {"loadedAt": _started}


def lambda_handler(event, context):
    return {"configLoadedAt": CONFIG["loadedAt"]}
