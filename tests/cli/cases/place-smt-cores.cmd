xl-numa place --host cli-hosts/smt.json --need-memkb 1048576 --vcpus 3
xl-numa place --host cli-hosts/smt.json --need-memkb 1048576 --vcpus 3 --smt-cores --explain
