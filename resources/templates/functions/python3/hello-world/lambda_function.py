import json


def lambda_handler(event, context):
    name = event.get("name", "world") if isinstance(event, dict) else "world"
    print(f"greeting {name} from request {context.aws_request_id}")
    return {"message": f"Hello, {name}!"}
