#!/usr/bin/env python3
"""Writes every literal YAML scenario embedded in the Swift tests (multi-line strings with a
`strategies:` or `stream:` key and no interpolation) to OUT_DIR/<test file>-<hash>.yaml, named by
a hash of its text so that adding a test adds files and renames none."""
import hashlib, pathlib, re, sys

root = pathlib.Path(__file__).resolve().parent.parent
out = pathlib.Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
block = re.compile(r'"""\n(.*?)\n([ \t]*)"""', re.S)
count = 0
for path in sorted((root / "Tests").rglob("*.swift")):
    text = path.read_text()
    for m in block.finditer(text):
        body, indent = m.group(1), m.group(2)
        if "\\(" in body or not re.search(r"^\s*(strategies|stream):", body, re.M):
            continue
        lines = [l[len(indent):] if l.startswith(indent) else l.lstrip() for l in body.split("\n")]
        yaml = "\n".join(lines).replace('\\\\', '\\') + "\n"
        name = f"{path.stem}-{hashlib.sha256(yaml.encode()).hexdigest()[:8]}.yaml"
        (out / name).write_text(yaml)
        count += 1
print(count)
