import json
import os

import boto3

# Funcdesk gives every function the local API's endpoint and credentials, as Lambda gives
# it its own. Current SDKs read AWS_ENDPOINT_URL_LAMBDA by themselves; naming it keeps
# older ones (Debian 12's boto3) pointed at Funcdesk too. In AWS the variable is unset
# and the client talks to Lambda.
lambda_client = boto3.client("lambda", endpoint_url=os.environ.get("AWS_ENDPOINT_URL_LAMBDA"))


def lambda_handler(event, context):
    target = event.get("target", "hello")
    # A synchronous call: this function waits (and is billed) while the other one runs.
    reply = lambda_client.invoke(FunctionName=target, Payload=json.dumps({"name": "from " + context.function_name}))
    answer = json.loads(reply["Payload"].read() or b"null")
    # An event: queued, run later with retries; this function does not wait for it.
    lambda_client.invoke(FunctionName=target, InvocationType="Event", Payload=json.dumps({"name": "event"}))
    # The SDK sent this request's trace header with both calls, so they show as one trace.
    return {"called": target, "answer": answer, "error": reply.get("FunctionError")}
