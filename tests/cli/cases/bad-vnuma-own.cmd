xl-numa place --host data/xenlab-2node --vnuma cfg/hvm-wide.cfg 'vnuma=[["size=1536","vcpus=0-3","vdistances=10"]]'
