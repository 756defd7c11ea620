xl-numa place --host cli-hosts/truncated cfg/g1.cfg
