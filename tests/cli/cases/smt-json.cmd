xl-numa place --host cli-hosts/smt.json --smt-cores --json --need-memkb 1048576 --vcpus 3
