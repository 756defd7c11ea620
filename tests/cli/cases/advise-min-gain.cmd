# spread gains 25 points: not enough for 30.
xl-numa advise --host cli-hosts/advise-2node.json --min-gain 30
