cp cli-hosts/advise-2node.json s.json
xl-numa advise --host s.json --apply
xl-numa vcpu-list --host s.json
xl-numa advise --host s.json
