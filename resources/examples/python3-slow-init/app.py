import time

# Module-level work runs once per execution environment, during init: the first call pays
# for it (Init Duration in the REPORT line), warm calls do not.
_started = time.time()
time.sleep(1.0)
LOOKUP = {i: i * i for i in range(100000)}
INIT_SECONDS = round(time.time() - _started, 3)


def handler(event, context):
    n = int(event.get('n', 7)) if isinstance(event, dict) else 7
    return {'square': LOOKUP.get(n), 'initSeconds': INIT_SECONDS}
