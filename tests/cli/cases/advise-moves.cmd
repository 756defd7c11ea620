xl-numa advise --host cli-hosts/advise-2node.json
