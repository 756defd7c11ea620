xl-numa place --host data/xenlab-2node cfg/hvm-stubdom.cfg
xl-numa place --host data/xenlab-2node cfg/hvm-trad-stdvga.cfg
xl-numa place --host data/xenlab-2node cfg/hvm-nohap.cfg
