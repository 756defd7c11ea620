xl-numa place --host hosts/dl980.json --explain cfg/g1.cfg 'vcpus=16' 'memory=20480'
