xl-numa place --host cli-hosts/smt.json cfg/smt.cfg
echo "exit $?"
xl-numa place --host cli-hosts/smt.json cfg/smt.cfg 'numa_placement_smt="threads"'
echo "exit $?"
xl-numa place --host cli-hosts/smt.json --smt-cores cfg/smt.cfg 'numa_placement_smt="threads"'
