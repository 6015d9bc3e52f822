#!/usr/bin/env python3
# check-flatpak-manifest.py — the flatpak manifest is well-formed, pinned and minimal
#
# Usage: check-flatpak-manifest.py MANIFEST APP_ID
#
# The manifest can not be built on the development machines (no network, no
# flatpak runtime), so this checks what can be checked without building:
#  - JSON that flatpak-builder reads: id (or app-id) is APP_ID, the GNOME
#    runtime and SDK with a numeric runtime version, command jumpgate;
#  - every module has a name, a build system and sources; the last module is
#    Jumpgate itself, built with meson from this checkout (a "dir" source) or,
#    for a release, from a git tag;
#  - every other source is pinned: an archive or file with an https url and a
#    64-hex sha256, or a git source with BOTH a tag and a 40-hex commit;
#    no branch-only sources, no unpinned downloads;
#  - finish-args are exactly the reviewed set (flatpak/README.md explains each
#    one); anything broader (host/home filesystem, session bus, Flatpak
#    portal escape, devel) fails.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import re
import sys

HEX64 = re.compile(r'^[0-9a-f]{64}$')
HEX40 = re.compile(r'^[0-9a-f]{40}$')

# The reviewed permissions; flatpak/README.md justifies each.
EXPECTED_FINISH_ARGS = {
    '--share=network',
    '--share=ipc',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--device=dri',
    '--socket=ssh-auth',
    '--talk-name=org.freedesktop.secrets',
    '--filesystem=~/.ssh:create',
}

FORBIDDEN_PREFIXES = (
    '--filesystem=host', '--filesystem=home', '--filesystem=/', '--filesystem=~:',
    '--socket=session-bus', '--socket=system-bus', '--socket=x11',
    '--talk-name=org.freedesktop.Flatpak', '--allow=devel', '--device=all',
)

KNOWN_BUILDSYSTEMS = {'meson', 'cmake', 'cmake-ninja', 'autotools', 'simple', 'qmake'}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    manifest_path, app_id = sys.argv[1:]
    problems = []
    checks = 0

    def check(ok, what):
        nonlocal checks
        checks += 1
        if not ok:
            problems.append(what)
        return ok

    try:
        with open(manifest_path, encoding='utf-8') as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        print(f'not ok - {manifest_path} is not readable JSON: {e}')
        return 1

    check(isinstance(manifest, dict), 'the manifest is a JSON object')
    manifest_id = manifest.get('id', manifest.get('app-id'))
    check(manifest_id == app_id, f'id is {app_id} (found {manifest_id!r})')
    check(not ('id' in manifest and 'app-id' in manifest), 'only one of id / app-id')
    check(manifest.get('runtime') == 'org.gnome.Platform', 'runtime is org.gnome.Platform')
    check(manifest.get('sdk') == 'org.gnome.Sdk', 'sdk is org.gnome.Sdk')
    version = str(manifest.get('runtime-version', ''))
    check(re.fullmatch(r'[0-9]{2,}', version) is not None,
          f'runtime-version is a stable GNOME release number (found {version!r}), not master')
    check(manifest.get('command') == 'jumpgate', 'command is jumpgate')

    finish_args = manifest.get('finish-args', [])
    check(isinstance(finish_args, list) and len(finish_args) == len(set(finish_args)),
          'finish-args is a list without duplicates')
    for arg in finish_args:
        check(not arg.startswith(FORBIDDEN_PREFIXES), f'finish-arg {arg} is too broad')
        check(arg in EXPECTED_FINISH_ARGS,
              f'finish-arg {arg} is not in the reviewed set (justify it in flatpak/README.md '
              'and add it to this test)')
    for arg in sorted(EXPECTED_FINISH_ARGS - set(finish_args)):
        check(False, f'finish-arg {arg} is missing')

    modules = manifest.get('modules', [])
    check(isinstance(modules, list) and len(modules) >= 2,
          'modules: the dependencies the runtime lacks, then Jumpgate')
    names = []
    for i, module in enumerate(modules):
        if not check(isinstance(module, dict), f'module {i} is an object (no external files)'):
            continue
        name = module.get('name', f'#{i}')
        names.append(name)
        check(bool(module.get('name')), f'module {i} has a name')
        check(module.get('buildsystem', 'autotools') in KNOWN_BUILDSYSTEMS,
              f'module {name} has a known buildsystem')
        sources = module.get('sources', [])
        check(isinstance(sources, list) and len(sources) > 0, f'module {name} has sources')
        is_app = i == len(modules) - 1
        for j, src in enumerate(sources):
            what = f'module {name} source {j}'
            stype = src.get('type')
            if stype in ('archive', 'file'):
                url = src.get('url', '')
                check(url.startswith('https://'), f'{what}: url is https ({url!r})')
                check(HEX64.match(src.get('sha256', '')) is not None,
                      f'{what}: sha256 is 64 lowercase hex digits')
            elif stype == 'git':
                check(bool(src.get('tag')), f'{what}: git source has a tag')
                check(HEX40.match(src.get('commit', '')) is not None,
                      f'{what}: git source has a 40-hex commit')
                check('branch' not in src, f'{what}: git source pins tag+commit, not a branch')
                check(src.get('url', '').startswith('https://'), f'{what}: git url is https')
            elif stype == 'dir':
                check(is_app, f'{what}: only Jumpgate itself may come from a local dir')
            elif stype == 'patch':
                check(bool(src.get('path')), f'{what}: patch is a file in this repository')
            else:
                check(False, f'{what}: unexpected source type {stype!r}')

    if modules and isinstance(modules[-1], dict):
        app = modules[-1]
        check(app.get('name') == 'jumpgate', 'the last module is jumpgate')
        check(app.get('buildsystem') == 'meson', 'jumpgate builds with meson')
        check(any((s.get('type') == 'dir' and s.get('path') == '..') or s.get('type') == 'git'
                  for s in app.get('sources', [])),
              'jumpgate builds from this checkout (dir source "..") or a pinned git tag')
    check('libssh' in names, 'libssh is built (the runtime has none)')
    check('vte' in names, 'vte is built (the runtime has no vte-2.91-gtk4)')

    for p in problems:
        print(f'not ok - {p}')
    if problems:
        print(f'{len(problems)} of {checks} checks failed for {manifest_path}')
        return 1
    print(f'ok - {manifest_path}: {checks} checks passed '
          f'({len(modules)} modules, {len(finish_args)} finish-args)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
