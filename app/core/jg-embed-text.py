#!/usr/bin/env python3
# jg-embed-text.py INPUT OUTPUT NAME — writes a C header holding the UTF-8
# text of INPUT as `static const char NAME[]`, without its lines that start
# with "##" (notes for developers). Used for the enrollment script's body,
# app/core/jg-install-script.sh.
# SPDX-License-Identifier: GPL-3.0-or-later
import sys

src, dst, name = sys.argv[1:4]
with open(src, encoding='utf-8') as f:
    text = f.read()
if '\t' in text or '\r' in text:
    sys.exit(f'{src}: tabs and carriage returns are not allowed')
lines = [f'/* Generated from {src.rsplit("/", 1)[-1]} by jg-embed-text.py: do not edit. */',
         f'static const char {name}[] =']
for line in text.split('\n')[:-1] if text.endswith('\n') else text.split('\n'):
    if line.startswith('##'):
        continue
    esc = line.replace('\\', '\\\\').replace('"', '\\"').replace('?', '\\?')
    lines.append(f'  "{esc}\\n"')
lines.append(';')
with open(dst, 'w', encoding='utf-8') as f:
    f.write('\n'.join(lines) + '\n')
