printf "not a shared object\\n" > bad.so
xl-numa place --host data/xenlab-2node --policy plugin:./bad.so:lowload cfg/g1.cfg
