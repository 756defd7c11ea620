xl-numa place cfg/g1.cfg
