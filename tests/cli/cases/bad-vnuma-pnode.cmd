xl-numa place --host data/xenlab-2node cfg/vnuma.cfg 'vnuma=[["pnode=5","size=512","vcpus=0-1"]]'
