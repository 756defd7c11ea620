xl-numa place --host cli-hosts/smt.json cfg/smt.cfg 'numa_placement_smt="hyper"'
