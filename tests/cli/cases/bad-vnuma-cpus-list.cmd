xl-numa place --host data/xenlab-2node --vnuma cfg/hvm-wide.cfg 'cpus=["0-3","0-3","0-3","0-3"]' 'numa_placement="within"'
