# Placed within pCPUs 1-3: vnode 0's vCPUs get pCPU 1 of node 0, not the
# whole node.
xl-numa place --host data/xenlab-2node --vnuma cfg/hvm-wide.cfg vcpus=3 'cpus="1-3"' 'numa_placement="within"'
