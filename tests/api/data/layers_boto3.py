"""Lambda layers through boto3 against a Funcdesk API server, as SDK users publish and
attach them. argv: endpoint url, python minor version ("3.11"). Prints ALL OK at the end;
any failed check raises."""
import base64
import io
import json
import sys
import zipfile

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, pyver = sys.argv[1], sys.argv[2]
client = boto3.client(
    "lambda", endpoint_url=endpoint, region_name="us-east-1",
    aws_access_key_id="local", aws_secret_access_key="local",
    config=Config(retries={"max_attempts": 0}, read_timeout=120, connect_timeout=10))


def zip_of(files, executable=()):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path, data in files.items():
            info = zipfile.ZipInfo(path)
            info.external_attr = (0o755 if path in executable else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


def expect_error(code, fragment, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except ClientError as e:
        got = e.response["Error"]["Code"]
        message = e.response["Error"]["Message"]
        assert got == code, f"expected {code}, got {got}: {message}"
        assert fragment in message, f"expected '{fragment}' in '{message}'"
        return message
    raise AssertionError(f"expected {code}")


# Layer A: a package at python/, a module both layers bring, an executable in bin/.
layer_a = zip_of({
    "python/shared_a.py": "VALUE = 'from layer a'\n",
    "python/common.py": "WHO = 'A'\n",
    "bin/hello-layer": "#!/bin/sh\necho hello from /opt/bin\n",
}, executable={"bin/hello-layer"})
# Layer B: its module in the version-specific site-packages folder Lambda also searches.
layer_b = zip_of({
    f"python/lib/python{pyver}/site-packages/shared_b.py": "VALUE = 'from layer b'\n",
    "python/common.py": "WHO = 'B'\n",
})

a = client.publish_layer_version(LayerName="shared-a", Description="first layer",
                                 Content={"ZipFile": layer_a}, CompatibleRuntimes=["python3.12"],
                                 CompatibleArchitectures=["x86_64"])
assert a["Version"] == 1, a
assert a["LayerVersionArn"] == "arn:aws:lambda:us-east-1:000000000000:layer:shared-a:1", a
assert a["Content"]["CodeSize"] == len(layer_a), a
assert a["Description"] == "first layer"
b = client.publish_layer_version(LayerName="shared-b", Content={"ZipFile": layer_b})
b2 = client.publish_layer_version(LayerName="shared-b", Content={"ZipFile": layer_b}, Description="again")
assert b2["Version"] == 2, b2

names = sorted(l["LayerName"] for l in client.list_layers()["Layers"])
assert names == ["shared-a", "shared-b"], names
latest_b = [l for l in client.list_layers()["Layers"] if l["LayerName"] == "shared-b"][0]
assert latest_b["LatestMatchingVersion"]["Version"] == 2, latest_b
only_312 = client.list_layers(CompatibleRuntime="python3.12")["Layers"]
assert [l["LayerName"] for l in only_312] == ["shared-a"], only_312
versions = [v["Version"] for v in client.list_layer_versions(LayerName="shared-b")["LayerVersions"]]
assert versions == [2, 1], versions
got = client.get_layer_version(LayerName="shared-a", VersionNumber=1)
assert got["Content"]["CodeSha256"] == a["Content"]["CodeSha256"], got
by_arn = client.get_layer_version_by_arn(Arn=a["LayerVersionArn"])
assert by_arn["Version"] == 1 and by_arn["LayerArn"].endswith(":layer:shared-a"), by_arn
expect_error("ResourceNotFoundException", "does not exist", client.get_layer_version, LayerName="shared-a", VersionNumber=9)

app = (
    "import common, shared_a, subprocess\n"
    "def handler(event, context):\n"
    "    out = {'who': common.WHO, 'a': shared_a.VALUE}\n"
    "    try:\n"
    "        import shared_b\n"
    "        out['b'] = shared_b.VALUE\n"
    "    except ImportError:\n"
    "        out['b'] = None\n"
    "    out['bin'] = subprocess.run(['hello-layer'], capture_output=True, text=True).stdout.strip()\n"
    "    import os\n"
    "    out['pythonpath'] = os.environ.get('PYTHONPATH', '')\n"
    "    return out\n")


def invoke(name):
    r = client.invoke(FunctionName=name, Payload=b"{}")
    body = json.loads(r["Payload"].read())
    assert "FunctionError" not in r, body
    return body


client.create_function(FunctionName="layered", Runtime="python3.12", Handler="app.handler",
                       Role="arn:aws:iam::000000000000:role/x", Code={"ZipFile": zip_of({"app.py": app})},
                       Layers=[a["LayerVersionArn"]])
out = invoke("layered")
assert out["who"] == "A" and out["a"] == "from layer a" and out["b"] is None, out
assert out["bin"] == "hello from /opt/bin", out
cfg = client.get_function_configuration(FunctionName="layered")
assert [l["Arn"] for l in cfg["Layers"]] == [a["LayerVersionArn"]], cfg
assert cfg["Layers"][0]["CodeSize"] == len(layer_a), cfg

# Order: the later layer's file wins, as Lambda extracts them in order.
client.update_function_configuration(FunctionName="layered", Layers=[a["LayerVersionArn"], b2["LayerVersionArn"]])
out = invoke("layered")
assert out["who"] == "B" and out["b"] == "from layer b" and out["a"] == "from layer a", out
# Lambda's order: the runtime's site-packages (python3.12, as the function says), the local
# interpreter's where it differs (it runs the code), then python/.
parts = out["pythonpath"].split(":")
expected = ["/python/lib/python3.12/site-packages"]
if pyver != "3.12":
    expected.append(f"/python/lib/python{pyver}/site-packages")
expected.append("/python")
assert len(parts) == len(expected) and all(p.endswith(e) for p, e in zip(parts, expected)), parts
client.update_function_configuration(FunctionName="layered", Layers=[b2["LayerVersionArn"], a["LayerVersionArn"]])
out = invoke("layered")
assert out["who"] == "A", out
cfg = client.get_function_configuration(FunctionName="layered")
assert [l["Arn"] for l in cfg["Layers"]] == [b2["LayerVersionArn"], a["LayerVersionArn"]], cfg

# At most five, and only layers that exist.
six = [b["LayerVersionArn"]] * 3 + [b2["LayerVersionArn"]] * 3
expect_error("InvalidParameterValueException", "Cannot reference more than 5 layers.",
             client.update_function_configuration, FunctionName="layered", Layers=six)
expect_error("InvalidParameterValueException", "Layer version arn:aws:lambda:us-east-1:000000000000:layer:shared-a:7 does not exist.",
             client.update_function_configuration, FunctionName="layered",
             Layers=["arn:aws:lambda:us-east-1:000000000000:layer:shared-a:7"])
cfg = client.get_function_configuration(FunctionName="layered")
assert len(cfg["Layers"]) == 2, cfg  # a refused change leaves the function as it was

# Deleting a version: gone from the API, still there for the function that uses it, refused
# for new references.
client.delete_layer_version(LayerName="shared-a", VersionNumber=1)
client.delete_layer_version(LayerName="shared-a", VersionNumber=1)  # again: no error, as on Lambda
expect_error("ResourceNotFoundException", "does not exist", client.get_layer_version, LayerName="shared-a", VersionNumber=1)
assert invoke("layered")["who"] == "A"
expect_error("InvalidParameterValueException", "does not exist",
             client.create_function, FunctionName="late", Runtime="python3.12", Handler="app.handler",
             Role="arn:aws:iam::000000000000:role/x", Code={"ZipFile": zip_of({"app.py": app})},
             Layers=[a["LayerVersionArn"]])
a3 = client.publish_layer_version(LayerName="shared-a", Content={"ZipFile": layer_a})
assert a3["Version"] == 2, a3  # numbers are not reused

# Size limits: a zip over 50 MB, a layer over 250 MB unzipped, and a function whose layers
# together pass 250 MB.
import os
big = zip_of({"blob.bin": os.urandom(50 * 1024 * 1024 + 1024)})
expect_error("RequestEntityTooLargeException", "Request must be smaller than 70167211 bytes",
             client.publish_layer_version, LayerName="too-big", Content={"ZipFile": big})
zeros = zip_of({"python/zeros.bin": b"\0" * (262144000 + 1)})
expect_error("InvalidParameterValueException", "Unzipped size must be smaller than 262144000 bytes",
             client.publish_layer_version, LayerName="too-big", Content={"ZipFile": zeros})
half = zip_of({"data/half.bin": b"\0" * (131 * 1024 * 1024)})
h1 = client.publish_layer_version(LayerName="half", Content={"ZipFile": half})
h2 = client.publish_layer_version(LayerName="half", Content={"ZipFile": half})
expect_error("InvalidParameterValueException", "Unzipped size must be smaller than 262144000 bytes",
             client.update_function_configuration, FunctionName="layered",
             Layers=[h1["LayerVersionArn"], h2["LayerVersionArn"]])
assert invoke("layered")["who"] == "A"
print("ALL OK")
