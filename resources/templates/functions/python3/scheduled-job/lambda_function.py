import datetime


def lambda_handler(event, context):
    fired = event.get("time", datetime.datetime.utcnow().isoformat())
    print(f"scheduled run fired at {fired}; {context.get_remaining_time_in_millis()} ms left")
    return {"ok": True, "firedAt": fired}
