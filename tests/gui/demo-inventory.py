#!/usr/bin/env python3
"""Write a machines.json for the demo lab (tests/lab) from its lab.env.

Usage: demo-inventory.py LAB_ENV OUT_JSON [EXTRA_MACHINES]
EXTRA_MACHINES adds that many machines behind the jump host (for benchmarks).
"""
import json
import sys
import uuid

env = {}
with open(sys.argv[1]) as f:
    for line in f:
        line = line.strip()
        if '=' in line and not line.startswith('#'):
            key, value = line.split('=', 1)
            env[key] = value.strip("'\"")
extra = int(sys.argv[3]) if len(sys.argv) > 3 else 0

user = env['JG_LAB_USER']
key = env['JG_LAB_KEY']
known = env['JG_LAB_KNOWN_HOSTS']


def host(name, prefix, kind=None, jump=None):
    entry = {
        'id': str(uuid.uuid5(uuid.NAMESPACE_DNS, name + '.jumpgate-demo')),
        'name': name,
        'host': env['JG_LAB_%s_NAME' % prefix],
        'port': int(env['JG_LAB_%s_PORT' % prefix]),
        'user': user,
        'auth': 'key-file',
        'identity_file': key,
        'identities_only': True,
        'known_hosts_file': known,
    }
    if kind:
        entry['kind'] = kind
    if jump:
        entry['jump'] = jump['id']
    return entry


jump = host('bastion', 'JUMP')
jump2 = host('inner-bastion', 'JUMP2', jump=jump)
machines = [
    host('build-vm', 'VM1', 'vm', jump),
    host('test-vm', 'VM2', 'vm', jump2),
    host('workstation', 'OWN', 'own'),
]
for i in range(extra):
    m = host('vm-%04d' % i, 'VM1', 'vm', jump)
    m['id'] = str(uuid.uuid5(uuid.NAMESPACE_DNS, 'bench-%d.jumpgate' % i))
    machines.append(m)

with open(sys.argv[2], 'w') as f:
    json.dump({'version': 1, 'jump_hosts': [jump, jump2], 'machines': machines}, f, indent=2)
