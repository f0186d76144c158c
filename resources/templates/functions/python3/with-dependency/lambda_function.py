# requests comes from requirements.txt: each deploy installs it next to this file
# (pip install -r requirements.txt --target ...), as `sam build` does. An unchanged
# requirements.txt deploys from the build cache in milliseconds.
import requests


def lambda_handler(event, context):
    url = event.get("url", "https://checkip.amazonaws.com") if isinstance(event, dict) else "https://checkip.amazonaws.com"
    response = requests.get(url, timeout=5)
    return {
        "url": url,
        "status": response.status_code,
        "body": response.text[:200],
        "requests": requests.__version__,
    }
