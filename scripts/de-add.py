#!/usr/bin/env python3
"""Adds German sentences to ui/translations/de.json and drops those no
screen shows any more: de-add.py FILE, where FILE holds lines of
English<TAB>German, and lines "-English" to drop. Keeps the file sorted."""
import json, sys
path = 'ui/translations/de.json'
d = json.load(open(path, encoding='utf-8'))
for line in open(sys.argv[1], encoding='utf-8'):
    line = line.rstrip('\n')
    if not line:
        continue
    if line.startswith('-'):
        d.pop(line[1:], None)
        continue
    en, de = line.split('\t')
    d[en.replace('\\n', '\n')] = de.replace('\\n', '\n')
with open(path, 'w', encoding='utf-8') as f:
    json.dump(dict(sorted(d.items())), f, ensure_ascii=False, indent=1)
    f.write('\n')
