xl-numa place --host hosts/dl980.json --policy closest --explain cfg/g1.cfg vcpus=16 memory=8192
xl-numa place --host hosts/dl980.json --policy closest --explain --json cfg/g1.cfg vcpus=16 memory=8192 | grep -E '"(decided_by|placed|overrides)"'
