"""Writes a tiny pure-Python wheel by hand (no setuptools, no network), so build tests
install a real package with real pip from a local folder.
argv: output folder, distribution name, version, module source (the module's __init__.py),
and optionally a number of extra submodules (mod0.py ...), which __init__ then imports, to
make a package the size of a real library."""
import base64
import hashlib
import os
import sys
import zipfile

out, name, version, source = sys.argv[1:5]
extra = int(sys.argv[5]) if len(sys.argv) > 5 else 0
dist = f"{name}-{version}.dist-info"
files = {}
for i in range(extra):
    files[f"{name}/mod{i}.py"] = (f"def f{i}(x):\n    return x + {i}\n" + "# padding\n" * 100).encode()
    source += f"\nfrom . import mod{i}"
files.update({
    f"{name}/__init__.py": source.encode(),
    f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
    f"{dist}/WHEEL": b"Wheel-Version: 1.0\nGenerator: funcdesk-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
})
record = []
for path, data in files.items():
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    record.append(f"{path},sha256={digest},{len(data)}")
record.append(f"{dist}/RECORD,,")
files[f"{dist}/RECORD"] = ("\n".join(record) + "\n").encode()
os.makedirs(out, exist_ok=True)
with zipfile.ZipFile(os.path.join(out, f"{name}-{version}-py3-none-any.whl"), "w") as z:
    for path, data in files.items():
        z.writestr(path, data)
