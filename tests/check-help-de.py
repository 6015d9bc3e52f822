#!/usr/bin/env python3
# check-help-de.py — `jumpgate --help` and its messages in German
#
# Usage: check-help-de.py JUMPGATE LOCALEDIR
#
# Runs the built program with LANGUAGE=de (under C.UTF-8, which every
# system has) and the catalogues of the build tree (JUMPGATE_LOCALEDIR,
# app/main.c): the option descriptions, the usage line and an error
# message must come out in German; without LANGUAGE they stay English, so
# the check cannot pass by accident.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import subprocess
import sys
import tempfile


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    jumpgate, localedir = sys.argv[1:]
    failures = []

    def check(ok, what, output=''):
        print(('ok - ' if ok else 'not ok - ') + what)
        if not ok:
            failures.append(what)
            for line in output.splitlines():
                print('# ' + line)

    with tempfile.TemporaryDirectory(prefix='jumpgate-help-') as home:
        base = {k: v for k, v in os.environ.items()
                if not k.startswith('LC_') and k not in ('LANG', 'LANGUAGE')}
        base.update(XDG_CONFIG_HOME=home, JUMPGATE_LOCALEDIR=localedir, LANG='C.UTF-8')
        german = dict(base, LANGUAGE='de')

        def run(args, env):
            return subprocess.run([jumpgate] + args, env=env, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, timeout=60)

        english = run(['--help'], base)
        check(english.returncode == 0 and 'List the saved machines' in english.stdout
              and 'Rechner' not in english.stdout,
              'jumpgate --help is English without LANGUAGE', english.stdout + english.stderr)

        help_de = run(['--help'], german)
        out = help_de.stdout
        check(help_de.returncode == 0, 'jumpgate --help succeeds in German', help_de.stderr)
        # The German translation says „Rechner“ for machine (po/de.po).
        check('Rechner' in out, 'jumpgate --help in German speaks of „Rechner“', out)
        check('List the saved machines' not in out and 'Open a new window' not in out,
              'no English option description left in the German --help', out)
        check('--add-machine' in out and 'Add one of your own machines' not in out,
              '--add-machine is described in German', out)
        check('Jumpgate — SSH to your machines' not in out,
              'the summary is German', out)

        bad = run(['ssh://host:99999'], german)
        check(bad.returncode == 2 and bad.stderr.startswith('jumpgate: ')
              and bad.stderr.count('\n') == 1 and '65535' in bad.stderr
              and 'out of range' not in bad.stderr,
              'a malformed ssh:// link is refused in one German line', bad.stderr)

    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
