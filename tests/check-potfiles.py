#!/usr/bin/env python3
# check-potfiles.py — po/POTFILES.in lists exactly the files that need translating
#
# Fails when
#  - a source file with translatable strings (_( N_( C_( NC_( Q_( ngettext
#    or translatable="yes") is missing from po/POTFILES.in,
#  - POTFILES.in lists a file that does not exist,
#  - POTFILES.in is not sorted or lists a file twice.
#
# Scanned: everything in the source tree that ships (app/, ui/, data/ and any
# other top-level folder), except tests/, po/, docs/, flatpak/, subprojects/,
# hidden folders and build directories (any folder holding meson-private/).
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import sys

SKIP_TOP = {'tests', 'po', 'docs', 'flatpak', 'subprojects'}
EXTENSIONS = ('.c', '.h', '.ui', '.blp', '.in', '.xml', '.js', '.py', '.vala')

C_MARKERS = re.compile(
    r'(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|Q_|g_dgettext|g_dngettext|ngettext)\s*\(')
UI_MARKER = re.compile(r'translatable\s*=\s*["\']yes["\']')


def needs_translation(path):
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            text = f.read()
    except OSError as e:
        sys.exit(f'check-potfiles: cannot read {path}: {e}')
    if path.endswith(('.c', '.h', '.js', '.py', '.vala')):
        return C_MARKERS.search(text) is not None
    return UI_MARKER.search(text) is not None or C_MARKERS.search(text) is not None


def scan(srcdir):
    found = set()
    for top in sorted(os.listdir(srcdir)):
        full = os.path.join(srcdir, top)
        if top.startswith(('.', '_')) or top in SKIP_TOP or not os.path.isdir(full):
            continue
        for root, dirs, files in os.walk(full):
            dirs[:] = sorted(d for d in dirs
                             if not d.startswith('.')
                             and not os.path.isdir(os.path.join(root, d, 'meson-private')))
            for name in files:
                if not name.endswith(EXTENSIONS):
                    continue
                path = os.path.join(root, name)
                if needs_translation(path):
                    found.add(os.path.relpath(path, srcdir))
    return found


def read_potfiles(path):
    entries = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith('#'):
                entries.append(line)
    return entries


def main():
    srcdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..')
    srcdir = os.path.abspath(srcdir)
    potfiles_in = os.path.join(srcdir, 'po', 'POTFILES.in')
    listed = read_potfiles(potfiles_in)
    problems = []

    for entry in listed:
        if not os.path.isfile(os.path.join(srcdir, entry)):
            problems.append(f'po/POTFILES.in lists {entry}, which does not exist: remove the line')
    seen = set()
    for entry in listed:
        if entry in seen:
            problems.append(f'po/POTFILES.in lists {entry} twice')
        seen.add(entry)
    if listed != sorted(listed):
        problems.append('po/POTFILES.in is not sorted: sort it (LC_ALL=C sort order)')

    for path in sorted(scan(srcdir) - set(listed)):
        problems.append(f'{path} has translatable strings but is missing from po/POTFILES.in: add it')

    for p in problems:
        print(f'not ok - {p}')
    if problems:
        print(f'{len(problems)} problem(s) with po/POTFILES.in')
        return 1
    print(f'ok - po/POTFILES.in lists {len(listed)} files, all present, sorted, none missing')
    return 0


if __name__ == '__main__':
    sys.exit(main())
