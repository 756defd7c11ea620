xl-numa place --host cli-hosts/one-node.txt --need-memkb 1024 --vcpus 1 --policy xen42
