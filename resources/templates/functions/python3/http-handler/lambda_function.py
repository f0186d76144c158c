import json


def lambda_handler(event, context):
    http = event.get("requestContext", {}).get("http", {})
    body = event.get("body") or ""
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({
            "method": http.get("method"),
            "path": event.get("rawPath"),
            "query": event.get("queryStringParameters", {}),
            "received": body,
        }),
    }
