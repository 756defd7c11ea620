xl-numa place --host cli-hosts/smt.json --smt-cores --need-memkb 1048576 --vcpus 5
