xl-numa capture --host data/xenlab-2node --state s.json > /dev/null
xl-numa create --host s.json --mode pin cfg/within-cpu3.cfg
xl-numa vcpu-list --host s.json | grep -E '^(Name|within3)'
