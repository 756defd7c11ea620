xl-numa place --host nosuch cfg/g1.cfg
