xl-numa capture --host data/xenlab-2node --state s.json > /dev/null
# Each vnode's memory is recorded on its node: 768 MiB and 6 MiB of the
# rest of the need each, 198144 pages.
xl-numa create --host s.json --vnuma cfg/hvm-wide.cfg
xl-numa info --host s.json | sed -n '/^domain/,$p'
xl-numa vcpu-list --host s.json | grep wide
