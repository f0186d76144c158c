import json

# Module globals survive between invocations of one execution environment (a warm start).
invocations = 0


def lambda_handler(event, context):
    global invocations
    invocations += 1
    name = event.get('name', 'world') if isinstance(event, dict) else 'world'
    print(f'greeting {name} (invocation {invocations} of this environment)')
    return {
        'statusCode': 200,
        'body': json.dumps({'message': f'Hello, {name}!'}),
        'invocations': invocations,
        'requestId': context.aws_request_id,
    }
