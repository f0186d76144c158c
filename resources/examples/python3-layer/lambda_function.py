# greeting is not in this function's code: it comes from the "greeting" layer this
# function names in function.json, which the environment sees at /opt/python.
import greeting


def lambda_handler(event, context):
    name = event.get("name", "world") if isinstance(event, dict) else "world"
    return {"message": greeting.greet(name)}
