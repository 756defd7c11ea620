xl-numa vcpu-list --host data/xenlab-4node --watch 1 --count 2
