xl-numa vcpu-list --host data/xenlab-2node --count 2
