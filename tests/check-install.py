#!/usr/bin/env python3
# check-install.py — `meson install` into a DESTDIR puts every desktop file in place
#
# Usage: check-install.py MESON BUILDDIR PREFIX BINDIR DATADIR LOCALEDIR APP_ID
#
# Installs the already-built tree into a temporary DESTDIR (--no-rebuild: meson
# test has built everything before the tests start) and checks what a desktop
# needs from it: the program, the launcher with its German translation merged
# in, the metainfo, both icons, the D-Bus service pointing at the installed
# program, the search provider, the GSettings schema and the German catalogue.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import configparser
import gettext
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET


def main():
    if len(sys.argv) != 8:
        sys.exit(__doc__)
    meson, builddir, prefix, bindir, datadir, localedir, app_id = sys.argv[1:]
    failures = []

    def check(ok, what):
        print(('ok - ' if ok else 'not ok - ') + what)
        if not ok:
            failures.append(what)
        return ok

    with tempfile.TemporaryDirectory(prefix='jumpgate-destdir-') as destdir:
        proc = subprocess.run(
            [meson, 'install', '-C', builddir, '--no-rebuild', '--quiet', '--destdir', destdir],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if not check(proc.returncode == 0, 'meson install --destdir succeeds'):
            print(proc.stdout)
            return 1

        def path(*parts):
            return os.path.join(destdir, *(p.lstrip('/') for p in parts))

        exe = path(bindir, 'jumpgate')
        check(os.path.isfile(exe) and os.access(exe, os.X_OK), f'{bindir}/jumpgate is an executable')

        desktop = path(datadir, 'applications', app_id + '.desktop')
        if check(os.path.isfile(desktop), f'launcher {app_id}.desktop installed'):
            kf = configparser.RawConfigParser(interpolation=None, strict=False)
            kf.optionxform = str
            kf.read(desktop, encoding='utf-8')
            entry = kf['Desktop Entry']
            check(entry.get('Icon') == app_id, 'launcher Icon is the app id')
            check(entry.get('DBusActivatable') == 'true', 'launcher is DBusActivatable')
            check('x-scheme-handler/ssh' in entry.get('MimeType', '').split(';'),
                  'launcher handles ssh:// links')
            check(entry.get('Name[de]') is not None and entry.get('Comment[de]') is not None,
                  'German Name/Comment merged into the launcher')
            check(kf.has_section('Desktop Action new-window')
                  and kf.has_section('Desktop Action add-machine')
                  and kf['Desktop Action add-machine'].get('Name[de]') is not None,
                  'launcher actions New Window and Add Your Own Machine, translated')

        metainfo = path(datadir, 'metainfo', app_id + '.metainfo.xml')
        if check(os.path.isfile(metainfo), f'metainfo {app_id}.metainfo.xml installed'):
            root = ET.parse(metainfo).getroot()
            check(root.findtext('id') == app_id, 'metainfo id is the app id')
            launchable = root.find('launchable')
            check(launchable is not None and launchable.text == app_id + '.desktop',
                  'metainfo launchable is the installed launcher')
            lang = '{http://www.w3.org/XML/1998/namespace}lang'
            check(any(e.get(lang) == 'de' for e in root.iter('summary')),
                  'German summary merged into the metainfo')

        for sub, name in (('scalable', app_id + '.svg'), ('symbolic', app_id + '-symbolic.svg')):
            icon = path(datadir, 'icons', 'hicolor', sub, 'apps', name)
            if not check(os.path.isfile(icon), f'icon hicolor/{sub}/apps/{name} installed'):
                continue
            svg = ET.parse(icon).getroot()
            size = (svg.get('width'), svg.get('height'), svg.get('viewBox'))
            if sub == 'scalable':
                check(size == ('128', '128', '0 0 128 128'), 'app icon is drawn on a 128x128 canvas')
            else:
                shapes = [e for e in svg.iter() if e.tag.rsplit('}', 1)[-1] != 'svg']
                check(size == ('16', '16', '0 0 16 16')
                      and all(e.tag.endswith('path') and e.get('fill') == '#2e3436'
                              and e.get('stroke') is None for e in shapes),
                      'symbolic icon: 16x16, only #2e3436 filled paths (GTK recolours fills)')

        service = path(datadir, 'dbus-1', 'services', app_id + '.service')
        if check(os.path.isfile(service), f'D-Bus service {app_id}.service installed'):
            kf = configparser.RawConfigParser(interpolation=None)
            kf.optionxform = str
            kf.read(service, encoding='utf-8')
            sec = kf['D-BUS Service']
            check(sec.get('Name') == app_id, 'D-Bus service Name is the app id')
            check(sec.get('Exec') == os.path.join(bindir, 'jumpgate') + ' --gapplication-service',
                  'D-Bus service Exec runs the installed program with --gapplication-service')

        provider = path(datadir, 'gnome-shell', 'search-providers', app_id + '.search-provider.ini')
        if check(os.path.isfile(provider), 'search provider ini installed'):
            kf = configparser.RawConfigParser(interpolation=None)
            kf.optionxform = str
            kf.read(provider, encoding='utf-8')
            sec = kf['Shell Search Provider']
            check(sec.get('DesktopId') == app_id + '.desktop'
                  and sec.get('BusName') == app_id
                  and sec.get('ObjectPath') == '/' + app_id.replace('.', '/') + '/SearchProvider'
                  and sec.get('Version') == '2',
                  'search provider DesktopId, BusName, ObjectPath, Version=2')

        schema = path(datadir, 'glib-2.0', 'schemas', 'io.github.jumpgate.Jumpgate.gschema.xml')
        check(os.path.isfile(schema), 'GSettings schema installed')

        mo = path(localedir, 'de', 'LC_MESSAGES', 'jumpgate.mo')
        if check(os.path.isfile(mo), 'German catalogue de/LC_MESSAGES/jumpgate.mo installed'):
            with open(mo, 'rb') as f:
                catalog = gettext.GNUTranslations(f)
            check(catalog.gettext('Add Your Own Machine') != 'Add Your Own Machine',
                  'German catalogue translates "Add Your Own Machine"')

    print(f'{len(failures)} failed' if failures else 'all installed files present')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
