xl-numa info --host data/xenlab-4node
