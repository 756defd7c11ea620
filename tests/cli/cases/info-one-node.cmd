xl-numa info --host cli-hosts/one-node.txt --json
