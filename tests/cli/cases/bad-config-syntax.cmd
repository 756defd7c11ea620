printf 'name = "x"\nmemory = 128 vcpus = 1\n' > broken.cfg
xl-numa place --host data/xenlab-2node broken.cfg
